import type { ParsedTagRequest } from '../../../shared/api/tags.ts';
import type { Database } from './database.ts';
import { readUnsureThreshold } from './library-settings.ts';
import { trackWhere } from './track-query.ts';
import type { Where } from './track-query.ts';

/** A track a tag request selects, with what planning its write reads: its genres, prediction and label. */
export interface TagSelectionRecord {
  id: number;
  path: string;
  format: string | null;
  status: 'ok' | 'error' | 'missing';
  error: string | null;
  genres_json: string;
  predicted_genre: string | null;
  predicted_confidence: number | null;
  label_genres_json: string | null;
}

function selectionWhere(db: Database, selection: Pick<ParsedTagRequest['selection'], 'trackIds' | 'filter'>): Where {
  if (selection.trackIds) return { sql: 'WHERE id IN (SELECT value FROM json_each(?))', params: [JSON.stringify(selection.trackIds)] };
  if (selection.filter) return trackWhere(selection.filter, readUnsureThreshold(db));
  return { sql: '', params: [] };
}

/**
 * The tracks a tag request's selection names (its track ids, else its library filter, else every track), in path
 * order, so the files of a folder come together.
 */
export function tagSelectionRows(db: Database, selection: Pick<ParsedTagRequest['selection'], 'trackIds' | 'filter'>): TagSelectionRecord[] {
  const where = selectionWhere(db, selection);
  return db
    .prepare(
      `SELECT t.id, t.path, t.format, t.status, t.error, t.genres_json, t.predicted_genre, t.predicted_confidence,
        l.genres_json AS label_genres_json
      FROM (SELECT * FROM tracks ${where.sql}) t LEFT JOIN track_labels l ON l.track_id = t.id
      ORDER BY t.path`,
    )
    .all(...where.params) as TagSelectionRecord[];
}
