import type { Spectrogram } from './spectrogram.ts';

export interface OnsetOptions {
  lag?: number;
  /** 'median' is what librosa.beat.beat_track asks for; 'mean' is onset_strength's own default. */
  aggregate?: 'mean' | 'median';
  /** Centre correction: pad by nFft / (2 hop) frames on the left (default true, with nFft 2048 and hop 512). */
  center?: boolean;
  nFft?: number;
  hop?: number;
}

/**
 * librosa.onset.onset_strength(S=log_mel) (0.8, max_size 1, no detrend): the positive first difference along
 * time of a dB mel spectrogram, aggregated over bands, left-padded by lag + nFft // (2 hop) zeros and cut back
 * to the spectrogram's frame count.
 */
export function onsetStrength(logMel: Spectrogram, options: OnsetOptions = {}): Float32Array {
  const lag = options.lag ?? 1;
  const aggregate = options.aggregate ?? 'mean';
  const center = options.center ?? true;
  const nFft = options.nFft ?? 2048;
  const hop = options.hop ?? 512;
  const { bins, frames, data } = logMel;
  const diffFrames = Math.max(0, frames - lag);
  const padWidth = lag + (center ? Math.floor(nFft / (2 * hop)) : 0);
  const out = new Float32Array(center ? frames : diffFrames + padWidth);
  const col = new Float32Array(bins);
  for (let t = 0; t < diffFrames; t++) {
    const pos = t + padWidth;
    if (pos >= out.length) break;
    const a = (t + lag) * bins;
    const b = t * bins;
    for (let k = 0; k < bins; k++) col[k] = Math.max(0, data[a + k] - data[b + k]);
    if (aggregate === 'mean') {
      let s = 0;
      for (let k = 0; k < bins; k++) s += col[k];
      out[pos] = s / bins;
    } else {
      col.sort();
      out[pos] = bins % 2 ? col[(bins - 1) >> 1] : (col[bins / 2 - 1] + col[bins / 2]) / 2;
    }
  }
  return out;
}

const diffScratch = new Float32Array(1024);

/**
 * One value of onset_strength(aggregate=median) on a dB spectrogram floored the way power_to_db floors it:
 * the median over bands of max(0, cur - prev), where each dB value x is first replaced by floor32 when
 * x < floor (floor in float64, floor32 = Math.fround(floor), as a float32 array assigned from it).
 * cur / prev are bands values at cur[curOffset ..] / prev[prevOffset ..]. Use floor = -Infinity for no floor.
 */
export function onsetMedianFrame(prev: Float32Array, prevOffset: number, cur: Float32Array, curOffset: number, bands: number, floor: number): number {
  const floor32 = Math.fround(floor);
  const pos = bands <= diffScratch.length ? diffScratch : new Float32Array(bands);
  let count = 0;
  for (let k = 0; k < bands; k++) {
    let a = cur[curOffset + k];
    let b = prev[prevOffset + k];
    if (a < floor) a = floor32;
    if (b < floor) b = floor32;
    const d = Math.fround(a - b);
    if (d > 0) pos[count++] = d;
  }
  // the sorted values are (bands - count) zeros, then the sorted positives; numpy's median of an even count
  // averages the two middle ones
  const zeros = bands - count;
  const mid = bands >> 1;
  if (zeros > mid) return 0;
  const hi = selectRank(pos, count, mid - zeros);
  if (bands % 2) return hi;
  // rank mid - 1: a zero, or the largest positive below rank mid (selectRank left those in pos[0 .. r))
  let lo = 0;
  if (mid - 1 >= zeros) {
    lo = -Infinity;
    for (let i = 0; i < mid - zeros; i++) if (pos[i] > lo) lo = pos[i];
  }
  return Math.fround((lo + hi) / 2);
}

/**
 * The value of rank r (0-based, ascending) among a[0 .. n), by quickselect; afterwards a[0 .. r) hold the values
 * of lower ranks (in some order). Exact: it only moves values.
 */
function selectRank(a: Float32Array, n: number, r: number): number {
  let lo = 0;
  let hi = n - 1;
  while (hi > lo) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (r <= j) hi = j;
    else if (r >= i) lo = i;
    else return a[r];
  }
  return a[r];
}
