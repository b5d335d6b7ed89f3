/**
 * Whether the duration ffmpeg prints for its input ("Duration: 00:03:12.40") is the length of the audio: the
 * container's duration is that of its longest stream, so a music video whose picture runs past the song (an intro,
 * the credits) announces more than its audio holds, and a whole file would read as truncated. Cover art is a
 * single still ("(attached pic)") and has no length of its own; a chapter track ("Data: bin_data") spans the audio.
 * Reads the input section of ffmpeg's stderr only: its output section lists the streams it writes.
 */
export function durationIsTheAudios(stderr: string): boolean {
  const input = stderr.split(/\r?\n/);
  const start = input.findIndex((l) => /^Input #0\b/.test(l));
  if (start < 0) return true;
  for (let i = start + 1; i < input.length; i++) {
    const line = input[i];
    if (/^(Output #|Stream mapping:|Press \[q\])/.test(line.trim())) break;
    const video = /^\s+Stream #0:\d+.*?: Video: (.*)$/.exec(line);
    if (video && !/\(attached pic\)/.test(video[1])) return false;
  }
  return true;
}
