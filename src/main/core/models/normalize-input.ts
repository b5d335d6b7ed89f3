import type { TensorData } from './tensor-data.ts';

export interface NormalizationStats {
  mean: number[];
  std: number[];
}

/** How finely a tensor's statistics are kept: one value for all, one per last-axis entry (feature), one per mel band. */
export type NormalizationGranularity = 'global' | 'last-axis' | 'mel-band';

/** Writes one item (one batch row) of raw values from `src`, normalised, into `out` from `offset` on. */
export type ItemNormalizer = (src: ArrayLike<number>, out: Float32Array, offset: number) => void;

/**
 * (x - mean) / std for one item of shape `itemShape` (the tensor's shape without its batch dimension), with
 * statistics of one of three granularities, chosen by their length: 1 (one value for the whole item, e.g. a
 * log-mel patch), the last dimension (per feature of [d]), or the first dimension of a [bands, frames, 1]
 * spectrogram (per mel band). `src` and `out` may be the same memory at the same place (normalising in place).
 */
export function itemNormalizer(stats: NormalizationStats, itemShape: readonly number[]): ItemNormalizer {
  const len = stats.mean.length;
  if (stats.std.length !== len) throw new Error('Normalisation mean and std differ in length');
  const size = itemShape.reduce((a, b) => a * b, 1);
  // Runs of values that share one statistic: the whole item, one value, or one mel band's frames.
  const run = len === 1 ? size : len === itemShape[itemShape.length - 1] ? 1 : itemShape.length === 3 && len === itemShape[0] ? itemShape[1] * itemShape[2] : 0;
  if (run === 0) throw new Error(`Normalisation statistics of length ${len} do not fit a tensor of shape [n, ${itemShape.join(', ')}]`);
  const mean = Float64Array.from(stats.mean);
  const inv = Float64Array.from(stats.std, (s) => 1 / (s > 0 ? s : 1));
  return (x, out, offset) => {
    for (let start = 0, g = 0; start < size; start += run, g = g + 1 === len ? 0 : g + 1) {
      const m = mean[g];
      const k = inv[g];
      for (let i = start; i < start + run; i++) out[offset + i] = (x[i] - m) * k;
    }
  };
}

/** (x - mean) / std of every item of a [n, ...] tensor (statistics as itemNormalizer reads them). Returns a new tensor. */
export function normalizeInput(t: TensorData, stats: NormalizationStats): TensorData {
  const itemShape = t.shape.slice(1);
  const normalize = itemNormalizer(stats, itemShape);
  const size = itemShape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(t.data.length);
  for (let offset = 0; offset < out.length; offset += size) normalize(t.data.subarray(offset, offset + size), out, offset);
  return { data: out, shape: t.shape };
}

/** Statistics fitted on training tensors, at the granularity `normalizeInput` reads back. */
export function fitNormalization(t: TensorData, granularity: NormalizationGranularity): NormalizationStats {
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
