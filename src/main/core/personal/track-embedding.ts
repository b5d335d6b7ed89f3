import { SILENCE_RMS } from '../models/aggregation/audible-rows.ts';
import { embeddingColumnsFor, LOG_PROBABILITY_FLOOR } from './embedding-columns.ts';

/** A track's embedding: its values and the names of its columns (shared by every track of one layout). */
export interface TrackEmbedding {
  columns: readonly string[];
  values: Float32Array;
}

export interface EmbeddingSources {
  featureNames: readonly string[];
  /** The clip's features, in featureNames order. */
  clip: ArrayLike<number>;
  /** Every segment's features [segments, featureNames] row-major (the segment grid of the analysis). */
  segments: ArrayLike<number>;
  segmentCount: number;
  /** Index of rms_mean in featureNames: silent segments (below SILENCE_RMS) are left out of the statistics. */
  rmsIndex: number;
  /** Each base model's track-level probabilities. */
  predictions: readonly { kind: string; labels: readonly string[]; probabilities: ArrayLike<number> }[];
}

/**
 * Builds the embedding the personal model learns from: the clip's features, the mean and spread of every feature
 * over the audible segments (how the track changes, which the clip alone hides), and the log of each base
 * model's probabilities (what the networks heard, in a form a linear model can weigh).
 */
export function trackEmbedding(src: EmbeddingSources): TrackEmbedding {
  const f = src.featureNames.length;
  const columns = embeddingColumnsFor({ clip: src.featureNames, segmentStats: src.featureNames, models: src.predictions });
  const values = new Float32Array(columns.length);
  values.set(Array.from(src.clip).slice(0, f), 0);
  const audible: number[] = [];
  for (let s = 0; s < src.segmentCount; s++) if (src.segments[s * f + src.rmsIndex] >= SILENCE_RMS) audible.push(s);
  const rows = audible.length > 0 ? audible : Array.from({ length: src.segmentCount }, (_, s) => s);
  for (let j = 0; j < f; j++) {
    let mean = 0;
    for (const s of rows) mean += src.segments[s * f + j];
    mean = rows.length > 0 ? mean / rows.length : src.clip[j];
    let variance = 0;
    for (const s of rows) variance += (src.segments[s * f + j] - mean) ** 2;
    values[f + 2 * j] = mean;
    values[f + 2 * j + 1] = rows.length > 1 ? Math.sqrt(variance / rows.length) : 0;
  }
  let at = 3 * f;
  for (const p of src.predictions) {
    for (let c = 0; c < p.labels.length; c++) values[at++] = Math.log(Math.max(LOG_PROBABILITY_FLOOR, p.probabilities[c]));
  }
  return { columns, values };
}
