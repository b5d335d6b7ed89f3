import { ndimageReflectIndex } from './pad.ts';

/** Scratch space reused across calls (one filter runs at a time per thread). */
let extBuf = new Float32Array(0);
let winBuf = new Float32Array(0);

/**
 * Sliding median of odd width over n values read as src[offset + i * stride], written to dst the same way,
 * with scipy.ndimage's 'reflect' boundary (half-sample symmetric), i.e. median_filter(mode='reflect') along
 * one axis. The sequence is first copied, padded, into contiguous scratch memory; a sorted window is then
 * updated per step by replacing the outgoing value with the incoming one and sliding it into place
 * (O(displacement), usually a few positions) instead of sorting.
 */
export function slidingMedian(src: Float32Array, dst: Float32Array, n: number, width: number, offset = 0, stride = 1): void {
  if (n === 0) return;
  const half = width >> 1;
  const len = n + 2 * half;
  if (extBuf.length < len) extBuf = new Float32Array(len * 2);
  if (winBuf.length < width + 1) winBuf = new Float32Array(width + 1);
  const ext = extBuf;
  const win = winBuf;
  if (n > half) {
    for (let i = 0; i < n; i++) ext[half + i] = src[offset + i * stride];
    for (let i = 0; i < half; i++) {
      ext[half - 1 - i] = ext[half + i]; // d c b a | a b c d
      ext[half + n + i] = ext[half + n - 1 - i];
    }
  } else {
    for (let i = 0; i < len; i++) ext[i] = src[offset + ndimageReflectIndex(i - half, n) * stride];
  }
  for (let j = 0; j < width; j++) win[j] = ext[j];
  win.subarray(0, width).sort();
  dst[offset] = win[half];
  if (width === 31) {
    slide31(ext, win, dst, n, offset, stride);
    return;
  }
  for (let i = 1; i < n; i++) {
    const out = ext[i - 1];
    const inn = ext[i - 1 + width];
    if (out !== inn) {
      // Position of the outgoing value (binary search for its first occurrence).
      let lo = 0;
      let hi = width - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (win[mid] < out) lo = mid + 1;
        else hi = mid;
      }
      let pos = lo;
      if (inn > out) {
        while (pos + 1 < width && win[pos + 1] < inn) {
          win[pos] = win[pos + 1];
          pos++;
        }
      } else {
        while (pos > 0 && win[pos - 1] > inn) {
          win[pos] = win[pos - 1];
          pos--;
        }
      }
      win[pos] = inn;
    }
    dst[offset + i * stride] = win[half];
  }
}

/**
 * The width-31 case (librosa's HPSS kernel) with branch-free searches: the sorted window is padded to 32 with
 * +Infinity so a fixed 5-step search finds the first element >= a value; the values between the outgoing and
 * the incoming positions then move by one place.
 */
function slide31(ext: Float32Array, win: Float32Array, dst: Float32Array, n: number, offset: number, stride: number): void {
  win[31] = Infinity;
  for (let i = 1; i < n; i++) {
    const out = ext[i - 1];
    const inn = ext[i + 30];
    let p = (win[15] < out ? 16 : 0) | 0;
    p += win[p + 7] < out ? 8 : 0;
    p += win[p + 3] < out ? 4 : 0;
    p += win[p + 1] < out ? 2 : 0;
    p += win[p] < out ? 1 : 0;
    let q = (win[15] < inn ? 16 : 0) | 0;
    q += win[q + 7] < inn ? 8 : 0;
    q += win[q + 3] < inn ? 4 : 0;
    q += win[q + 1] < inn ? 2 : 0;
    q += win[q] < inn ? 1 : 0;
    if (q > p) {
      // win[p] leaves; win[p+1 .. q-1] move down; inn goes to q - 1
      for (let j = p; j < q - 1; j++) win[j] = win[j + 1];
      win[q - 1] = inn;
    } else {
      // win[q .. p-1] move up; inn goes to q
      for (let j = p; j > q; j--) win[j] = win[j - 1];
      win[q] = inn;
    }
    dst[offset + i * stride] = win[15];
  }
}
