import type { Spectrogram } from './spectrogram.ts';

const TINY_F32 = 1.1754943508222875e-38;

/**
 * librosa.feature.spectral_centroid(S=magnitude): the magnitude-weighted mean frequency of each frame
 * (0 for a silent frame: librosa's normalise leaves an all-zero column as zeros).
 */
export function spectralCentroid(S: Spectrogram, sr: number, nFft: number): Float64Array {
  const { bins, frames, data } = S;
  const out = new Float64Array(frames);
  const df = sr / nFft;
  for (let t = 0; t < frames; t++) {
    const o = t * bins;
    let sum = 0;
    let weighted = 0;
    for (let k = 0; k < bins; k++) {
      sum += data[o + k];
      weighted += k * df * data[o + k];
    }
    out[t] = sum < TINY_F32 ? 0 : weighted / sum;
  }
  return out;
}

/** librosa.feature.spectral_bandwidth(S=magnitude, p=2, norm=True): weighted deviation around the centroid. */
export function spectralBandwidth(S: Spectrogram, sr: number, nFft: number, centroid = spectralCentroid(S, sr, nFft), p = 2): Float64Array {
  const { bins, frames, data } = S;
  const out = new Float64Array(frames);
  const df = sr / nFft;
  for (let t = 0; t < frames; t++) {
    const o = t * bins;
    let sum = 0;
    for (let k = 0; k < bins; k++) sum += data[o + k];
    const norm = sum < TINY_F32 ? 1 : sum;
    let acc = 0;
    for (let k = 0; k < bins; k++) acc += (data[o + k] / norm) * Math.abs(k * df - centroid[t]) ** p;
    out[t] = acc ** (1 / p);
  }
  return out;
}

/**
 * librosa.feature.spectral_rolloff(S=magnitude, roll_percent=0.85): the lowest bin frequency at which the
 * cumulative magnitude (float32 running sum, as numpy's cumsum on float32) reaches 85% of the frame's total.
 */
export function spectralRolloff(S: Spectrogram, sr: number, nFft: number, rollPercent = 0.85): Float64Array {
  const { bins, frames, data } = S;
  const out = new Float64Array(frames);
  const cum = new Float32Array(bins);
  const df = sr / nFft;
  for (let t = 0; t < frames; t++) {
    const o = t * bins;
    let acc = 0;
    for (let k = 0; k < bins; k++) {
      acc = Math.fround(acc + data[o + k]);
      cum[k] = acc;
    }
    const threshold = Math.fround(rollPercent * cum[bins - 1]);
    let k = 0;
    while (k < bins && cum[k] < threshold) k++;
    out[t] = k < bins ? k * df : NaN;
  }
  return out;
}
