import type { Database } from '../db/database.ts';
import { allLabels } from '../db/track-labels.ts';
import type { EmbeddingBlock } from '../db/track-embeddings.ts';
import { readEmbeddings } from '../db/track-embeddings.ts';
import { baseLabelFor } from './base-genre.ts';
import { logProbabilityColumn } from './embedding-columns.ts';
import { albumGroupKey } from './grouped-folds.ts';
import type { LabelledEmbeddings } from './retrain-personal.ts';

/** The base model kinds whose log-probabilities a genre's prior may use, in order of preference. */
const priorKinds = ['ensemble', 'svm', 'mlfi', 'cnn'];

/** What a retrain (and the review order) reads from the library. */
export interface LibraryTrainingData {
  /** The labelled tracks with an embedding of the main layout. */
  labelled: LabelledEmbeddings;
  /** Every embedded track of the main layout (standardisation, review order, re-prediction). */
  all: EmbeddingBlock;
  /** Labelled tracks without a usable embedding (not listened to since personal models exist). */
  notListened: number;
  labelledTotal: number;
  priorColumn: (genre: string) => string | null;
}

/** The layout most tracks have (the current engine's and models'), or an empty block. */
export function mainEmbeddingBlock(db: Database): EmbeddingBlock {
  const blocks = readEmbeddings(db);
  return blocks.sort((a, b) => b.trackIds.length - a.trackIds.length)[0] ?? { columns: [], trackIds: [], rows: new Float32Array(0) };
}

/** For a person's genre, the column of the preferred base model's log-probability of the same genre, or null. */
export function priorColumnFor(columns: readonly string[]): (genre: string) => string | null {
  const baseLabels = new Map<string, string[]>();
  for (const c of columns) {
    const m = /^logp\.([^.]+)\.(.+)$/.exec(c);
    if (!m) continue;
    const list = baseLabels.get(m[1]) ?? [];
    list.push(m[2]);
    baseLabels.set(m[1], list);
  }
  return (genre) => {
    for (const kind of priorKinds) {
      const labels = baseLabels.get(kind);
      const label = labels ? baseLabelFor(genre, labels) : null;
      if (label) return logProbabilityColumn(kind, label);
    }
    return null;
  };
}

export function libraryTrainingData(db: Database): LibraryTrainingData {
  const all = mainEmbeddingBlock(db);
  const labels = allLabels(db);
  const rowOf = new Map(all.trackIds.map((id, i) => [id, i]));
  const d = all.columns.length;
  const picked = labels.filter((l) => rowOf.has(l.trackId) && l.genres.length > 0);
  const rows = new Float32Array(picked.length * d);
  picked.forEach((l, i) => {
    const r = rowOf.get(l.trackId)!;
    rows.set(all.rows.subarray(r * d, r * d + d), i * d);
  });
  return {
    labelled: {
      trackIds: picked.map((l) => l.trackId),
      labels: picked.map((l) => l.genres),
      groups: picked.map((l) => albumGroupKey(l)),
      columns: all.columns,
      rows,
    },
    all,
    notListened: labels.length - picked.length,
    labelledTotal: labels.length,
    priorColumn: priorColumnFor(all.columns),
  };
}

/**
 * The base models' shown top genre of each track, named in the person's taxonomy (null where the person has no
 * genre for it): what "the active model" predicts while no personal model is active.
 */
export function basePredictionsInTaxonomy(db: Database, trackIds: readonly number[], personGenres: readonly string[], preference: readonly string[]): Map<number, string | null> {
  const order = preference.length > 0 ? preference : priorKinds;
  const rows = db
    .prepare(
      `SELECT p.track_id AS id, p.model_kind AS kind, p.top_genre AS top FROM predictions p JOIN tracks t ON t.id = p.track_id
       AND t.content_version = p.content_version WHERE p.track_id IN (SELECT value FROM json_each(?))`,
    )
    .all(JSON.stringify(trackIds)) as { id: number; kind: string; top: string }[];
  const best = new Map<number, { rank: number; top: string }>();
  for (const r of rows) {
    const rank = order.indexOf(r.kind) < 0 ? order.length : order.indexOf(r.kind);
    const b = best.get(r.id);
    if (!b || rank < b.rank) best.set(r.id, { rank, top: r.top });
  }
  const out = new Map<number, string | null>();
  for (const id of trackIds) {
    const top = best.get(id)?.top;
    out.set(id, top === undefined ? null : (personGenres.find((g) => baseLabelFor(g, [top]) !== null) ?? null));
  }
  return out;
}
