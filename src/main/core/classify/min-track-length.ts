/**
 * Least decoded audio, in seconds, for a track to get a genre. Shorter files (a 0.05 s click, a stub left by a
 * failed download) hold too little to speak for any genre (every model still gives such a file a confident
 * answer), so they are listed with the files that could not be read, with their length.
 */
export const MIN_TRACK_SECONDS = 1;
