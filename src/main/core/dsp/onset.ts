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
