/** numpy.pad modes used by librosa: 'reflect' (no edge repeat), 'edge' and 'constant' (zeros). */
export type PadMode = 'reflect' | 'edge' | 'constant';

/** The index into x (length n) that numpy's pad puts at position i (may be < 0 or >= n); -1 means zero. */
export function padIndex(i: number, n: number, mode: PadMode): number {
  if (i >= 0 && i < n) return i;
  if (mode === 'constant') return -1;
  if (mode === 'edge' || n === 1) return i < 0 ? 0 : n - 1;
  // numpy 'reflect' repeats the mirror image without the edge sample: period 2(n-1).
  const period = 2 * (n - 1);
  let j = ((i % period) + period) % period;
  if (j >= n) j = period - j;
  return j;
}

/** numpy.pad(x, (left, right), mode) for a 1-D signal. */
export function pad1d(x: Float32Array, left: number, right: number, mode: PadMode): Float32Array {
  const n = x.length;
  const out = new Float32Array(n + left + right);
  out.set(x, left);
  if (n === 0) return out;
  for (let i = 0; i < left; i++) {
    const j = padIndex(i - left, n, mode);
    out[i] = j < 0 ? 0 : x[j];
  }
  for (let i = 0; i < right; i++) {
    const j = padIndex(n + i, n, mode);
    out[left + n + i] = j < 0 ? 0 : x[j];
  }
  return out;
}

/** scipy.ndimage 'reflect' (half-sample symmetric: d c b a | a b c d | d c b a), used by median_filter. */
export function ndimageReflectIndex(i: number, n: number): number {
  if (i >= 0 && i < n) return i;
  const period = 2 * n;
  let j = ((i % period) + period) % period;
  if (j >= n) j = period - 1 - j;
  return j;
}
