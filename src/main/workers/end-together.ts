/**
 * Waits for every one of `ends` (undefined: nothing to end), all under way at once, then throws the first that
 * failed: a pool's workers and the ffmpeg reader they share end side by side (the reader's end, its launcher's
 * included, took another 21-24 ms after the workers' at the end of every classification job), and neither is left
 * running because the other failed.
 */
export async function endTogether(...ends: Array<Promise<void> | undefined>): Promise<void> {
  const settled = await Promise.allSettled(ends.map((end) => end ?? Promise.resolve()));
  for (const end of settled) if (end.status === 'rejected') throw end.reason;
}
