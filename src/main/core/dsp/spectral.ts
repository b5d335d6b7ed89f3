import type { Spectrogram } from './spectrogram.ts';

const TINY_F32 = 1.1754943508222875e-38;

/** The spectral centroid of the frame at data[o .. o + bins) (0 for a silent frame). */
export function centroidFrame(data: Float32Array, o: number, bins: number, df: number): number {
  let sum = 0;
  let weighted = 0;
  for (let k = 0; k < bins; k++) {
    sum += data[o + k];
    weighted += k * df * data[o + k];
  }
  return sum < TINY_F32 ? 0 : weighted / sum;
}

/** The p = 2 spectral bandwidth of the frame at data[o ..] around its centroid. */
export function bandwidthFrame(data: Float32Array, o: number, bins: number, df: number, centroid: number): number {
  let sum = 0;
  for (let k = 0; k < bins; k++) sum += data[o + k];
  const norm = sum < TINY_F32 ? 1 : sum;
  let acc = 0;
  for (let k = 0; k < bins; k++) {
    const d = k * df - centroid;
    acc += (data[o + k] / norm) * (d * d);
  }
  return Math.sqrt(acc);
}

/** The 85% roll-off frequency of the frame at data[o ..] (float32 running sum, as numpy's cumsum on float32). */
export function rolloffFrame(data: Float32Array, o: number, bins: number, df: number, rollPercent = 0.85): number {
  let total = 0;
  for (let k = 0; k < bins; k++) total = Math.fround(total + data[o + k]);
  const threshold = Math.fround(rollPercent * total);
  let acc = 0;
  for (let k = 0; k < bins; k++) {
    acc = Math.fround(acc + data[o + k]);
    if (acc >= threshold) return k * df;
  }
  return NaN;
}

/**
 * librosa.feature.spectral_centroid(S=magnitude): the magnitude-weighted mean frequency of each frame
 * (0 for a silent frame: librosa's normalise leaves an all-zero column as zeros).
 */
export function spectralCentroid(S: Spectrogram, sr: number, nFft: number): Float64Array {
  const { bins, frames, data } = S;
  const out = new Float64Array(frames);
  for (let t = 0; t < frames; t++) out[t] = centroidFrame(data, t * bins, bins, sr / nFft);
  return out;
}

/** librosa.feature.spectral_bandwidth(S=magnitude, p=2, norm=True): weighted deviation around the centroid. */
export function spectralBandwidth(S: Spectrogram, sr: number, nFft: number, centroid = spectralCentroid(S, sr, nFft)): Float64Array {
  const { bins, frames, data } = S;
  const out = new Float64Array(frames);
  for (let t = 0; t < frames; t++) out[t] = bandwidthFrame(data, t * bins, bins, sr / nFft, centroid[t]);
  return out;
}

/**
 * librosa.feature.spectral_rolloff(S=magnitude, roll_percent=0.85): the lowest bin frequency at which the
 * cumulative magnitude (float32 running sum, as numpy's cumsum on float32) reaches 85% of the frame's total.
 */
export function spectralRolloff(S: Spectrogram, sr: number, nFft: number, rollPercent = 0.85): Float64Array {
  const { bins, frames, data } = S;
  const out = new Float64Array(frames);
  for (let t = 0; t < frames; t++) out[t] = rolloffFrame(data, t * bins, bins, sr / nFft, rollPercent);
  return out;
}
