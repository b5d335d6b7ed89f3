import type { TensorData } from './tensor-data.ts';

export interface NormalizationStats {
  mean: number[];
  std: number[];
}

/**
 * (x - mean) / std with statistics of one of three granularities, chosen by their length:
 * 1 (one value for the whole tensor, e.g. a log-mel patch), the last dimension (per feature of [n, d]), or the
 * second dimension of a [n, bands, frames, 1] spectrogram (per mel band). Returns a new tensor.
 */
export function normalizeInput(t: TensorData, stats: NormalizationStats): TensorData {
  const len = stats.mean.length;
  if (stats.std.length !== len) throw new Error('Normalisation mean and std differ in length');
  const out = new Float32Array(t.data.length);
  const inv = stats.std.map((s) => 1 / (s > 0 ? s : 1));
  // Runs of values that share one statistic: the whole tensor, one value, or one mel band's frames.
  const run = len === 1 ? out.length : len === t.shape[t.shape.length - 1] ? 1 : t.shape.length === 4 && len === t.shape[1] ? t.shape[2] * t.shape[3] : 0;
  if (run > 0) {
    const x = t.data;
    for (let start = 0, g = 0; start < out.length; start += run, g = g + 1 === len ? 0 : g + 1) {
      const m = stats.mean[g];
      const k = inv[g];
      const end = Math.min(out.length, start + run);
      for (let i = start; i < end; i++) out[i] = (x[i] - m) * k;
    }
  } else {
    throw new Error(`Normalisation statistics of length ${len} do not fit a tensor of shape [${t.shape.join(', ')}]`);
  }
  return { data: out, shape: t.shape };
}

/** Statistics fitted on training tensors, at the granularity `normalizeInput` reads back. */
export function fitNormalization(t: TensorData, granularity: 'global' | 'last-axis' | 'mel-band'): NormalizationStats {
  const len = granularity === 'global' ? 1 : granularity === 'last-axis' ? t.shape[t.shape.length - 1] : t.shape[1];
  const sum = new Float64Array(len);
  const sq = new Float64Array(len);
  const count = new Float64Array(len);
  const inner = t.shape.length === 4 ? t.shape[2] * t.shape[3] : 1;
  for (let i = 0; i < t.data.length; i++) {
    const g = granularity === 'global' ? 0 : granularity === 'last-axis' ? i % len : Math.floor(i / inner) % len;
    sum[g] += t.data[i];
    sq[g] += t.data[i] * t.data[i];
    count[g]++;
  }
  const mean = Array.from(sum, (s, g) => s / Math.max(1, count[g]));
  const std = Array.from(sq, (s, g) => Math.sqrt(Math.max(0, s / Math.max(1, count[g]) - mean[g] * mean[g])) || 1);
  return { mean, std };
}
