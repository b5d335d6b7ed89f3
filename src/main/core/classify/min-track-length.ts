/**
 * Least decoded audio, in seconds, for a track to get a genre. Shorter files (a 0.05 s click, a stub left by a
 * failed download) hold too little to speak for any genre (every model still gives such a file a confident
 * answer), so they are listed with the files that could not be read, with their length. Half a second, not one:
 * a file made as exactly 1 s long decodes to a little less once the encoder's priming and padding are dropped
 * (a 1 s Vorbis file gives 0.997 s), and such a file is a real, if short, piece of audio.
 */
export const MIN_TRACK_SECONDS = 0.5;
