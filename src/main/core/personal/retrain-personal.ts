import type { MetricsSummary, PersonalReport } from '../../../shared/api/personal.ts';
import type { PersonalHyperParameters, PersonalModelSpec } from '../db/personal-model-spec.ts';
import { computeMetrics } from '../training/metrics/classification-metrics.ts';
import { baseLabelFor } from './base-genre.ts';
import { groupedFolds } from './grouped-folds.ts';
import { defaultPersonalHyperParameters, genreCounts, predictPersonal, trainPersonalModel } from './personal-model.ts';

/** The labelled tracks a retrain learns from, with their embeddings. */
export interface LabelledEmbeddings {
  trackIds: readonly number[];
  labels: readonly (readonly string[])[];
  /** Album / artist / folder key per track (see albumGroupKey). */
  groups: readonly string[];
  columns: readonly string[];
  /** [n, columns] row-major. */
  rows: Float32Array;
}

/** What the active model is, for the comparison on the same folds. */
export type ActiveForComparison =
  | { kind: 'personal'; version: string; spec: PersonalModelSpec; labels: ReadonlyMap<number, readonly string[]> }
  /**
   * The base models: their stored top genre per track, already named in the person's taxonomy (null: none of
   * theirs), and the genres they name (their labels).
   */
  | { kind: 'base'; version: string; predicted: ReadonlyMap<number, string | null>; names: readonly string[] };

export interface RetrainOptions {
  folds?: number;
  hyper?: PersonalHyperParameters;
  /** The base models' log-probability column that a person's genre is pulled towards, or null. */
  priorColumn?: (genre: string) => string | null;
  /** Standardisation rows (the whole library's embeddings, same columns). */
  reference?: { rows: Float32Array; n: number };
  active?: ActiveForComparison | null;
  signal?: AbortSignal;
  progress?: (done: number, total: number, message: string) => void;
}

/**
 * The cross-validated comparison: `evaluated` labelled tracks (those with at least one genre the new model
 * predicts), `better` when the candidate beats the active model on the same folds (accuracy, then macro F1).
 */
export type RetrainReport = PersonalReport;

export interface RetrainResult {
  spec: PersonalModelSpec;
  report: RetrainReport;
}

const OTHER = '(other)';

/** The genre counted as the truth of a track for its prediction: the predicted one if the track has it, else its first. */
function truthFor(labels: readonly string[], predicted: string | null, known: ReadonlySet<string>): string {
  if (predicted !== null && labels.includes(predicted)) return predicted;
  return labels.find((g) => known.has(g)) ?? labels[0];
}

function top(probabilities: Float64Array, i: number, genres: readonly string[]): string {
  const k = genres.length;
  let best = 0;
  for (let c = 1; c < k; c++) if (probabilities[i * k + c] > probabilities[i * k + best]) best = c;
  return genres[best];
}

function subset(data: LabelledEmbeddings, idx: readonly number[]): { rows: Float32Array; labels: (readonly string[])[] } {
  const d = data.columns.length;
  const rows = new Float32Array(idx.length * d);
  idx.forEach((i, a) => rows.set(data.rows.subarray(i * d, i * d + d), a * d));
  return { rows, labels: idx.map((i) => data.labels[i]) };
}

/**
 * Trains a personal model on every labelled track and measures it by cross-validation with folds grouped by album
 * (no album on both sides), next to the active model on the same folds: the active personal version retrained per
 * fold from the labels it had learned from (so it is judged on tracks it did not see either), or the base models'
 * stored predictions named in the person's taxonomy. Genres with fewer than `minExamples` labelled tracks are
 * listed as needing more and left out of training and of the evaluation.
 */
export function retrainPersonal(data: LabelledEmbeddings, options: RetrainOptions = {}): RetrainResult {
  const started = performance.now();
  const hyper = options.hyper ?? defaultPersonalHyperParameters;
  const { genres, needMore } = genreCounts(data.labels, hyper.minExamples);
  const known = new Set(genres);
  const usable: number[] = [];
  data.labels.forEach((l, i) => {
    if (l.some((g) => known.has(g))) usable.push(i);
  });
  const n = usable.length;
  const folds = options.folds ?? 5;
  const steps = 2 + 2 * folds;
  let step = 0;
  const tick = (message: string): void => options.progress?.(++step, steps, message);

  const base = { featureNames: data.columns, reference: options.reference, priorColumn: options.priorColumn, signal: options.signal };
  const all = subset(data, usable);
  const spec = trainPersonalModel({ ...base, rows: all.rows, labels: all.labels }, hyper);
  tick('Trained on every label');

  const primary = usable.map((i) => data.labels[i].find((g) => known.has(g)) ?? data.labels[i][0]);
  const { fold, folds: k } = groupedFolds(usable.map((i) => data.groups[i]), primary, folds);
  const candidatePred: (string | null)[] = new Array<string | null>(n).fill(null);
  const activePred: (string | null)[] = new Array<string | null>(n).fill(null);
  const active = options.active ?? null;
  for (let f = 0; f < k; f++) {
    const trainIdx: number[] = [];
    const testIdx: number[] = [];
    for (let a = 0; a < n; a++) (fold[a] === f ? testIdx : trainIdx).push(a);
    if (testIdx.length === 0) continue;
    const test = subset(data, testIdx.map((a) => usable[a]));
    const train = subset(data, trainIdx.map((a) => usable[a]));
    try {
      // Cold start: warm-starting from the model fitted on every label would leak this fold's labels into it.
      // The fold learns the genres the model on every label learns, however few of their tracks the fold holds
      // (a genre with exactly 5 labels has 4 in a fold's training part): the final model is what is measured.
      const labels = train.labels.map((l) => l.filter((g) => known.has(g)));
      const m = trainPersonalModel({ ...base, rows: train.rows, labels }, { ...hyper, minExamples: 1 });
      const p = predictPersonal(m, data.columns, test.rows, testIdx.length);
      testIdx.forEach((a, r) => (candidatePred[a] = top(p, r, m.genres)));
    } catch (error) {
      if (options.signal?.aborted) throw error;
      // Too few genres left in this fold's training part: the candidate predicts nothing there.
    }
    tick(`Fold ${f + 1} of ${k}: the new model`);
    if (active?.kind === 'personal') {
      // What the active version knew, minus this fold's tracks.
      const knownIdx = trainIdx.filter((a) => active.labels.has(data.trackIds[usable[a]]));
      const rows = subset(data, knownIdx.map((a) => usable[a])).rows;
      // As for the candidate: the active version's own genres, whatever their count in this fold.
      const activeGenres = new Set(active.spec.genres);
      const labels = knownIdx.map((a) => active.labels.get(data.trackIds[usable[a]])!.filter((g) => activeGenres.has(g)));
      try {
        const m = trainPersonalModel({ ...base, rows, labels }, { ...active.spec.hyper, minExamples: 1 });
        const p = predictPersonal(m, data.columns, test.rows, testIdx.length);
        testIdx.forEach((a, r) => (activePred[a] = top(p, r, m.genres)));
      } catch (error) {
        if (options.signal?.aborted) throw error;
      }
    } else if (active?.kind === 'base') {
      for (const a of testIdx) activePred[a] = active.predicted.get(data.trackIds[usable[a]]) ?? null;
    }
    tick(`Fold ${f + 1} of ${k}: the active model`);
  }
  const score = (name: string, predicted: (string | null)[]): MetricsSummary => {
    const names = [...genres];
    const index = (g: string | null): number => {
      const key = g !== null && known.has(g) ? g : OTHER;
      let at = names.indexOf(key);
      if (at < 0) at = names.push(key) - 1;
      return at;
    };
    const truth = predicted.map((p, a) => index(truthFor(data.labels[usable[a]], p, known)));
    const pred = predicted.map((p) => index(p));
    const m = computeMetrics(truth, pred, names);
    return { name, n: m.n, accuracy: m.accuracy, macroF1: m.macroF1, labels: m.labels, perClass: m.perClass, confusion: m.confusion };
  };
  const candidate = score('new', candidatePred);
  const activeScore = active ? score(`${active.kind === 'base' ? 'base models' : 'personal'} ${active.version}`, activePred) : null;
  // The genres the active model can name: where it names none (the base models against the person's own names),
  // its 0% is no measurement, and the report says so instead of comparing.
  const comparable = active
    ? genres.filter((g) => (active.kind === 'personal' ? active.spec.genres.includes(g) : baseLabelFor(g, active.names) !== null))
    : null;
  const better =
    activeScore === null ||
    candidate.accuracy > activeScore.accuracy + 1e-9 ||
    (Math.abs(candidate.accuracy - activeScore.accuracy) <= 1e-9 && candidate.macroF1 > activeScore.macroF1 + 1e-9);
  tick('Compared');
  return {
    spec,
    report: {
      folds: k,
      grouping: 'album',
      evaluated: n,
      groups: new Set(usable.map((i) => data.groups[i])).size,
      genres,
      needMore,
      candidate,
      active: activeScore,
      comparable,
      better,
      elapsedMs: Math.round(performance.now() - started),
    },
  };
}
