/**
 * A real-valued spectrogram (magnitude, power, mel, ...) stored frame-major: value of bin k in frame t is
 * data[t * bins + k]. librosa's arrays are (bins, frames); this is the same matrix, transposed in memory, so
 * each frame is contiguous (what the FFT produces and what per-frame features read).
 */
export interface Spectrogram {
  bins: number;
  frames: number;
  data: Float32Array;
}

export function emptySpectrogram(bins: number, frames: number): Spectrogram {
  return { bins, frames, data: new Float32Array(bins * frames) };
}

/** Mean and (population) variance of every value, accumulated in float64, like np.mean / np.var. */
export function meanVar(values: Float32Array | Float64Array): { mean: number; variance: number } {
  const n = values.length;
  if (n === 0) return { mean: 0, variance: 0 };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i] - mean;
    ss += d * d;
  }
  return { mean, variance: ss / n };
}
