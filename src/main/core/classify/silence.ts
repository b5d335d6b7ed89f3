/** RMS below which a 3 s segment (or a window) counts as silent: -80 dBFS, under the dither or hiss of any real recording. */
export const SILENCE_RMS = 1e-4;

/**
 * The rows (segments or windows) a track's prediction is made of: the audible ones, given each row's RMS.
 * Silent stretches (an intro, the gap before a hidden track, a long fade) say nothing about the genre, yet every
 * model answers them confidently, so they would pull the track's mean towards whatever silence looks like.
 * Null when every row is audible (use them all) or none is (the track is silent; the caller decides).
 */
export function audibleRows(rms: ArrayLike<number>): number[] | null {
  const rows: number[] = [];
  for (let i = 0; i < rms.length; i++) if (rms[i] >= SILENCE_RMS) rows.push(i);
  return rows.length === rms.length || rows.length === 0 ? null : rows;
}

/** Rows [rows.length, k] of a row-major [n, k] matrix. */
export function pickRows(matrix: ArrayLike<number>, k: number, rows: readonly number[]): Float64Array {
  const out = new Float64Array(rows.length * k);
  rows.forEach((r, i) => {
    for (let c = 0; c < k; c++) out[i * k + c] = matrix[r * k + c];
  });
  return out;
}
