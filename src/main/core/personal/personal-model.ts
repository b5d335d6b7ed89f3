import type { PersonalHyperParameters, PersonalModelSpec } from '../db/personal-model-spec.ts';
import { fitSoftmax, softmaxProbabilities } from './softmax-regression.ts';

/**
 * A person's own genre model (its stored form: PersonalModelSpec): softmax regression on the standardised track
 * embedding (clip features, segment statistics, the base models' log-probabilities, …), in the person's own
 * taxonomy. Small enough to live in the library database as JSON and to re-predict a whole library from stored
 * embeddings in seconds.
 *
 * Prior: where a person's genre is one the base (GTZAN) models know ("Hip-Hop" for hiphop), the penalty pulls its
 * weights towards "logit = priorStrength x log p_base(genre)", so with a handful of labels the model starts from
 * the base models' opinion instead of from nothing, and moves away from it as labels accumulate.
 */

/** l2 and priorStrength chosen on the GTZAN valid split (base SVM fitted on the train split), never on the test split. */
export const defaultPersonalHyperParameters: PersonalHyperParameters = { l2: 1, priorStrength: 1, minExamples: 5 };

/** Labelled rows to learn from. */
export interface PersonalTrainingSet {
  featureNames: readonly string[];
  /** [n, featureNames.length] row-major. */
  rows: ArrayLike<number>;
  /** Each row's genres (one or several). */
  labels: readonly (readonly string[])[];
  /**
   * Rows to take the standardisation from (e.g. the whole library's embeddings: no labels are used, so this is
   * no leak); the labelled rows when omitted.
   */
  reference?: { rows: ArrayLike<number>; n: number };
  /** For a genre, the embedding column holding the base model's log-probability of the same genre, or null. */
  priorColumn?: (genre: string) => string | null;
  /** L-BFGS steps at most (default 100). */
  maxIterations?: number;
  signal?: AbortSignal;
}

export interface GenreShortfall {
  genre: string;
  count: number;
  needed: number;
}

/** The genres that can be learned (at least minExamples labelled rows each) and those that need more. */
export function genreCounts(labels: readonly (readonly string[])[], minExamples: number): { genres: string[]; counts: number[]; needMore: GenreShortfall[] } {
  const counts = new Map<string, number>();
  for (const genres of labels) for (const g of new Set(genres)) counts.set(g, (counts.get(g) ?? 0) + 1);
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const ok = sorted.filter(([, c]) => c >= minExamples);
  return {
    genres: ok.map(([g]) => g),
    counts: ok.map(([, c]) => c),
    needMore: sorted.filter(([, c]) => c < minExamples).map(([genre, count]) => ({ genre, count, needed: minExamples - count })),
  };
}

/** Mean and standard deviation of each column (1 where a column is constant). */
export function standardization(rows: ArrayLike<number>, n: number, d: number): { mean: number[]; scale: number[] } {
  const mean = new Array<number>(d).fill(0);
  const scale = new Array<number>(d).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += rows[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= Math.max(1, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const v = rows[i * d + j] - mean[j];
      scale[j] += v * v;
    }
  }
  for (let j = 0; j < d; j++) {
    const sd = Math.sqrt(scale[j] / Math.max(1, n));
    scale[j] = sd > 1e-12 && Number.isFinite(sd) ? sd : 1;
  }
  return { mean, scale };
}

/** Rows standardised with the model's statistics (non-finite values become 0, the mean). */
export function standardizeRows(spec: Pick<PersonalModelSpec, 'mean' | 'scale'>, rows: ArrayLike<number>, n: number): Float64Array {
  const d = spec.mean.length;
  const x = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const v = (rows[i * d + j] - spec.mean[j]) / spec.scale[j];
      x[i * d + j] = Number.isFinite(v) ? Math.max(-20, Math.min(20, v)) : 0;
    }
  }
  return x;
}

/**
 * Trains a personal model. Throws when fewer than two genres have enough examples (there is nothing to choose
 * between); `genreCounts` tells which genres need more first.
 */
export function trainPersonalModel(set: PersonalTrainingSet, hyper: PersonalHyperParameters = defaultPersonalHyperParameters): PersonalModelSpec {
  const d = set.featureNames.length;
  const n = set.labels.length;
  if (set.rows.length !== n * d) throw new Error(`Expected ${n} rows of ${d} values, got ${set.rows.length}`);
  const { genres, counts } = genreCounts(set.labels, hyper.minExamples);
  if (genres.length < 2) {
    throw new Error(`A personal model needs at least two genres with ${hyper.minExamples} or more labelled tracks each (found ${genres.length}).`);
  }
  const k = genres.length;
  const genreIndex = new Map(genres.map((g, i) => [g, i]));
  // Rows with at least one learnable genre; their targets split evenly between those genres.
  const keep: number[] = [];
  for (let i = 0; i < n; i++) if (set.labels[i].some((g) => genreIndex.has(g))) keep.push(i);
  const m = keep.length;
  const stats = set.reference ? standardization(set.reference.rows, set.reference.n, d) : standardization(set.rows, n, d);
  const picked = new Float64Array(m * d);
  keep.forEach((r, i) => {
    for (let j = 0; j < d; j++) picked[i * d + j] = set.rows[r * d + j];
  });
  const x = standardizeRows(stats, picked, m);
  const targets = new Float64Array(m * k);
  const weights = new Float64Array(m);
  // Class balance: each genre weighs as much in total, whatever its size.
  const classWeight = counts.map((c) => m / (k * c));
  keep.forEach((r, i) => {
    const mine = [...new Set(set.labels[r])].map((g) => genreIndex.get(g)).filter((c): c is number => c !== undefined);
    let w = 0;
    for (const c of mine) {
      targets[i * k + c] = 1 / mine.length;
      w += classWeight[c] / mine.length;
    }
    weights[i] = w;
  });
  // The prior: towards priorStrength x log p_base(genre) where the base models know the genre.
  const priorColumns = genres.map((g) => set.priorColumn?.(g) ?? null);
  const prior = new Float64Array(k * d);
  priorColumns.forEach((col, c) => {
    if (col === null) return;
    const j = set.featureNames.indexOf(col);
    if (j >= 0) prior[c * d + j] = hyper.priorStrength * stats.scale[j];
  });
  const fit = fitSoftmax({ x, n: m, d, targets, k, sampleWeights: weights, l2: hyper.l2 / m, prior, signal: set.signal, maxIterations: set.maxIterations });
  return {
    format: 'genre-tagger-personal',
    formatVersion: 1,
    genres,
    featureNames: [...set.featureNames],
    mean: stats.mean,
    scale: stats.scale,
    params: Array.from(fit.params),
    hyper,
    priorColumns,
    examples: counts,
  };
}

/**
 * Probabilities [n, genres] for embedding rows laid out as `featureNames` (columns are picked by name, so an
 * embedding with more columns than the model reads works; a missing column is an error).
 */
export function predictPersonal(spec: PersonalModelSpec, featureNames: readonly string[], rows: ArrayLike<number>, n: number): Float64Array {
  const from = featureNames.length;
  const index = spec.featureNames.map((name) => {
    const i = featureNames.indexOf(name);
    if (i < 0) throw new Error(`The embedding has no column ${name}: the track needs listening to again`);
    return i;
  });
  const d = index.length;
  const picked = new Float64Array(n * d);
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) picked[r * d + j] = rows[r * from + index[j]];
  const x = standardizeRows(spec, picked, n);
  return softmaxProbabilities(Float64Array.from(spec.params), spec.genres.length, d, x, n);
}
