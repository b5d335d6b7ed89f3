import type { PersonalModelSpec } from '../db/personal-model-spec.ts';
import type { EmbeddingBlock } from '../db/track-embeddings.ts';
import { predictPersonal } from './personal-model.ts';

/** The `logp.<kind>.<label>` columns of one base model: their indices and labels. */
function logProbabilityColumns(columns: readonly string[], kind: string): { index: number; label: string }[] {
  const prefix = `logp.${kind}.`;
  return columns.flatMap((c, index) => (c.startsWith(prefix) ? [{ index, label: c.slice(prefix.length) }] : []));
}

/**
 * What the library's model thinks of each embedded track, for the review order: the active personal model's
 * probabilities when its columns are there, else the preferred base model's, read back from the embedding's
 * log-probabilities (renormalised, since they were floored before the log).
 */
export function currentProbabilities(block: EmbeddingBlock, personal: PersonalModelSpec | null, basePreference: readonly string[]): { genres: string[]; probabilities: Float64Array } {
  const n = block.trackIds.length;
  if (personal && personal.featureNames.every((f) => block.columns.includes(f))) {
    return { genres: personal.genres, probabilities: predictPersonal(personal, block.columns, block.rows, n) };
  }
  const kind = [...basePreference, 'ensemble', 'svm', 'mlfi', 'cnn'].find((k) => logProbabilityColumns(block.columns, k).length > 0);
  const cols = kind ? logProbabilityColumns(block.columns, kind) : [];
  const d = block.columns.length;
  const k = cols.length;
  const probabilities = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    cols.forEach((col, c) => (sum += probabilities[i * k + c] = Math.exp(block.rows[i * d + col.index])));
    for (let c = 0; c < k; c++) probabilities[i * k + c] /= sum;
  }
  return { genres: cols.map((c) => c.label), probabilities };
}

/** Per track, the share of base models whose top genre differs from the first model's (0 with one model). */
export function baseDisagreement(block: EmbeddingBlock): Float64Array {
  const n = block.trackIds.length;
  const d = block.columns.length;
  const kinds = [...new Set(block.columns.filter((c) => c.startsWith('logp.')).map((c) => c.split('.')[1]))];
  const out = new Float64Array(n);
  if (kinds.length < 2) return out;
  const tops = kinds.map((kind) => {
    const cols = logProbabilityColumns(block.columns, kind);
    return Array.from({ length: n }, (_, i) => {
      let best = cols[0];
      for (const col of cols) if (block.rows[i * d + col.index] > block.rows[i * d + best.index]) best = col;
      return best.label;
    });
  });
  for (let i = 0; i < n; i++) {
    let differ = 0;
    for (let m = 1; m < tops.length; m++) if (tops[m][i] !== tops[0][i]) differ++;
    out[i] = differ / (tops.length - 1);
  }
  return out;
}
