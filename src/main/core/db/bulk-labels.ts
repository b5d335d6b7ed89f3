import type { LabelSource } from '../../../shared/api/labels.ts';
import type { Database } from './database.ts';

/** What a bulk action does to each track: accept its own prediction, give every track these genres, or clear. */
export type BulkLabelChange = { kind: 'accept' } | { kind: 'set'; genres: readonly string[] } | { kind: 'clear' };

/** A label row as stored, or null for "no label". */
export interface StoredLabel {
  genresJson: string;
  source: LabelSource;
  createdAt: number;
  updatedAt: number;
}

/** One track a bulk action changed: its label before and after, so the action can be undone exactly. */
export interface LabelEdit {
  trackId: number;
  before: StoredLabel | null;
  after: StoredLabel | null;
}

export interface BulkLabelOutcome {
  edits: LabelEdit[];
  /** Tracks already as asked. */
  unchanged: number;
  /** accept: tracks without a prediction. */
  noPrediction: number;
  /** accept: tracks whose label is a person's correction (a correction wins over a prediction; left as it is). */
  keptCorrections: number;
}

interface Row {
  id: number;
  predicted_genre: string | null;
  genres_json: string | null;
  source: LabelSource | null;
  created_at: number | null;
  updated_at: number | null;
}

function stored(r: Row): StoredLabel | null {
  return r.genres_json === null ? null : { genresJson: r.genres_json, source: r.source!, createdAt: r.created_at!, updatedAt: r.updated_at! };
}

const selectRows = `SELECT t.id, t.predicted_genre, l.genres_json, l.source, l.created_at, l.updated_at
  FROM tracks t LEFT JOIN track_labels l ON l.track_id = t.id WHERE t.id IN (SELECT value FROM json_each(?))`;

/**
 * Applies one bulk action to `ids` in one transaction and returns every label it changed with what was there
 * before. `normalize` turns a genre list into the stored one (the same normalisation as single labels).
 */
export function applyBulkLabels(
  db: Database,
  ids: readonly number[],
  change: BulkLabelChange,
  normalize: (genres: readonly string[]) => string[],
  now = Date.now(),
): BulkLabelOutcome {
  const upsert = db.prepare(`INSERT INTO track_labels (track_id, genres_json, source, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (track_id) DO UPDATE SET genres_json = excluded.genres_json, source = excluded.source, updated_at = excluded.updated_at`);
  const remove = db.prepare('DELETE FROM track_labels WHERE track_id = ?');
  const fixed = change.kind === 'set' ? JSON.stringify(normalize(change.genres)) : null;
  return db.transaction((): BulkLabelOutcome => {
    const out: BulkLabelOutcome = { edits: [], unchanged: 0, noPrediction: 0, keptCorrections: 0 };
    const rows = db.prepare(selectRows).all(JSON.stringify([...new Set(ids)])) as Row[];
    for (const r of rows) {
      const before = stored(r);
      if (change.kind === 'clear') {
        if (!before) out.unchanged++;
        else {
          remove.run(r.id);
          out.edits.push({ trackId: r.id, before, after: null });
        }
        continue;
      }
      let json: string;
      let source: LabelSource;
      if (change.kind === 'accept') {
        if (!r.predicted_genre) {
          out.noPrediction++;
          continue;
        }
        if (before?.source === 'corrected') {
          out.keptCorrections++;
          continue;
        }
        [json, source] = [JSON.stringify(normalize([r.predicted_genre])), 'accepted'];
      } else [json, source] = [fixed!, 'corrected'];
      if (before && before.genresJson === json && before.source === source) {
        out.unchanged++;
        continue;
      }
      upsert.run(r.id, json, source, now, now);
      out.edits.push({ trackId: r.id, before, after: { genresJson: json, source, createdAt: before?.createdAt ?? now, updatedAt: now } });
    }
    return out;
  }).immediate();
}

/**
 * Puts back the labels `edits` replaced, in one transaction. A track whose label changed again since (someone
 * labelled it after the bulk action) keeps its newer label: the undo never overwrites later work.
 */
export function undoLabelEdits(db: Database, edits: readonly LabelEdit[]): { restored: number; kept: number } {
  const get = db.prepare('SELECT genres_json, source, created_at, updated_at FROM track_labels WHERE track_id = ?');
  const put = db.prepare(`INSERT INTO track_labels (track_id, genres_json, source, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (track_id) DO UPDATE SET genres_json = excluded.genres_json, source = excluded.source,
      created_at = excluded.created_at, updated_at = excluded.updated_at`);
  const remove = db.prepare('DELETE FROM track_labels WHERE track_id = ?');
  const exists = db.prepare('SELECT 1 FROM tracks WHERE id = ?').pluck();
  return db.transaction(() => {
    let restored = 0;
    let kept = 0;
    for (const e of edits) {
      const now = get.get(e.trackId) as { genres_json: string; source: LabelSource; updated_at: number } | undefined;
      const same = e.after === null
        ? now === undefined
        : now !== undefined && now.genres_json === e.after.genresJson && now.source === e.after.source && now.updated_at === e.after.updatedAt;
      if (!same || !exists.get(e.trackId)) {
        kept++;
        continue;
      }
      if (e.before) put.run(e.trackId, e.before.genresJson, e.before.source, e.before.createdAt, e.before.updatedAt);
      else remove.run(e.trackId);
      restored++;
    }
    return { restored, kept };
  }).immediate();
}
