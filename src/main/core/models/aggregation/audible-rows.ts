import type { Aggregation } from './segment-aggregation.ts';
import { aggregateSegments } from './segment-aggregation.ts';

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

/**
 * A track's probabilities [k] from its rows [n, k] (segments or SVM windows) and each row's RMS: the aggregate of
 * the audible rows, or of all rows when every row is audible or none is. The product's classifier and the
 * training code's inference both aggregate through this, so cross-validated figures are the app's.
 */
export function aggregateAudible(probabilities: ArrayLike<number>, n: number, k: number, method: Aggregation, rms: ArrayLike<number> | null): Float64Array {
  if (rms && rms.length !== n) throw new Error(`${rms.length} RMS values for ${n} rows`);
  const rows = rms ? audibleRows(rms) : null;
  return rows ? aggregateSegments(pickRows(probabilities, k, rows), rows.length, k, method) : aggregateSegments(probabilities, n, k, method);
}
