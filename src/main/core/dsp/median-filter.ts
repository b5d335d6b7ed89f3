import { ndimageReflectIndex } from './pad.ts';

/**
 * Sliding median of odd width over n values read as src[offset + i * stride], written to dst the same way,
 * with scipy.ndimage's 'reflect' boundary (half-sample symmetric), i.e. median_filter(mode='reflect') along
 * one axis. A sorted window is updated by one removal and one insertion per step (binary search + shift),
 * O(width) per output instead of a sort.
 */
export function slidingMedian(
  src: Float32Array,
  dst: Float32Array,
  n: number,
  width: number,
  offset = 0,
  stride = 1,
  window: Float32Array = new Float32Array(width),
): void {
  if (n === 0) return;
  const half = width >> 1;
  const at = (i: number): number => src[offset + ndimageReflectIndex(i, n) * stride];
  // Initial window: positions -half .. half.
  for (let j = 0; j < width; j++) window[j] = at(j - half);
  window.sort();
  dst[offset] = window[half];
  for (let i = 1; i < n; i++) {
    const out = at(i - half - 1);
    const inn = at(i + half);
    if (out !== inn) {
      // find the outgoing value
      let lo = 0;
      let hi = width - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (window[mid] < out) lo = mid + 1;
        else hi = mid;
      }
      let pos = lo;
      // shift to make room for the incoming value keeping order
      if (inn > out) {
        while (pos + 1 < width && window[pos + 1] < inn) {
          window[pos] = window[pos + 1];
          pos++;
        }
      } else {
        while (pos > 0 && window[pos - 1] > inn) {
          window[pos] = window[pos - 1];
          pos--;
        }
      }
      window[pos] = inn;
    }
    dst[offset + i * stride] = window[half];
  }
}
