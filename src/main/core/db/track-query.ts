import type { SortColumn, TrackPage, TrackQuery } from '../../../shared/api/library.ts';
import { trackQuerySchema } from '../../../shared/api/library.ts';
import { changeStamp } from './change-stamp.ts';
import type { Database } from './database.ts';
import { toTrackRow, trackRowColumns } from './track-rows.ts';
import type { TrackRowRecord } from './track-rows.ts';

/**
 * ORDER BY terms per sortable column. Each list matches one index of migration 001 term for term, so ordering the
 * whole library is an index walk (unknown values sort last ascending; descending is the exact reverse).
 */
const orderTerms: Record<SortColumn, string[]> = {
  title: ['title IS NULL', 'sort_key(title)', 'id'],
  artist: ['artist IS NULL', 'sort_key(artist)', 'sort_key(album)', 'track_no', 'id'],
  album: ['album IS NULL', 'sort_key(album)', 'track_no', 'id'],
  genre: ['genre IS NULL', 'sort_key(genre)', 'id'],
  duration: ['duration_s IS NULL', 'duration_s', 'id'],
  format: ['format IS NULL', 'format', 'id'],
  path: ['path'],
  predicted: ['predicted_genre IS NULL', 'sort_key(predicted_genre)', 'id'],
  confidence: ['predicted_confidence IS NULL', 'predicted_confidence', 'id'],
};

const searchColumns = ['title', 'artist', 'album', 'genre', 'path'];
/** FTS5's trigram tokenizer matches substrings of three characters or more; shorter words fall back to LIKE. */
const trigramLength = 3;

type Filters = Pick<ReturnType<typeof trackQuerySchema.parse>, 'search' | 'folder' | 'status' | 'predicted'>;

export interface Where {
  sql: string;
  params: unknown[];
}

/** The WHERE clause for a set of filters (text search, folder, status, predicted genre); empty when none. */
export function trackWhere(q: Filters): Where {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const words = (q.search ?? '').trim().split(/\s+/).filter(Boolean).slice(0, 12);
  const long = words.filter((w) => [...w].length >= trigramLength);
  const short = words.filter((w) => [...w].length < trigramLength);
  if (long.length > 0) {
    clauses.push('id IN (SELECT rowid FROM tracks_fts WHERE tracks_fts MATCH ?)');
    params.push(long.map((w) => `"${w.replaceAll('"', '""')}"`).join(' AND '));
  }
  for (const w of short) {
    const like = `%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    clauses.push(`(${searchColumns.map((c) => `${c} LIKE ? ESCAPE '\\'`).join(' OR ')})`);
    params.push(...searchColumns.map(() => like));
  }
  if (q.folder) {
    const folder = q.folder.replace(/[\\/]+$/, '');
    clauses.push('path >= ? AND path < ?');
    params.push(`${folder}/`, `${folder}0`);
  }
  if (q.status) {
    clauses.push('status = ?');
    params.push(q.status);
  }
  if (q.predicted) {
    clauses.push('predicted_genre = ?');
    params.push(q.predicted);
  }
  return { sql: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

export function orderBy(sort: SortColumn, dir: 'asc' | 'desc'): string {
  return `ORDER BY ${orderTerms[sort].map((t) => (dir === 'desc' ? `${t} DESC` : t)).join(', ')}`;
}

/**
 * Answers the library table's page requests. For a sort order it keeps the ids of the whole library in that order
 * (one index walk), and for a filter the ids that match it, both until the database changes; a page is then a
 * slice of ids and a primary-key lookup of at most `limit` rows. Scrolling and typing therefore cost milliseconds
 * at 100k tracks, and the renderer never holds more than the rows on screen.
 */
export class TrackQueryCache {
  private readonly db: Database;
  private stamp = '';
  private readonly ordered = new Map<string, Int32Array>();
  private readonly filtered = new Map<string, Int32Array>();
  private readonly maxFiltered = 8;

  constructor(db: Database) {
    this.db = db;
  }

  page(input: TrackQuery): TrackPage {
    const q = trackQuerySchema.parse(input);
    const ids = this.resultIds(q);
    const slice = ids.subarray(Math.min(q.offset, ids.length), Math.min(q.offset + q.limit, ids.length));
    return { total: ids.length, offset: q.offset, rows: this.rowsById(slice) };
  }

  /** All ids matching the query's filters, in the query's order. */
  resultIds(q: ReturnType<typeof trackQuerySchema.parse>): Int32Array {
    this.checkStamp();
    const orderKey = `${q.sort}:${q.dir}`;
    let all = this.ordered.get(orderKey);
    if (!all) {
      all = Int32Array.from(
        this.db.prepare(`SELECT id FROM tracks ${orderBy(q.sort, q.dir)}`).pluck().all() as number[],
      );
      this.ordered.set(orderKey, all);
    }
    const where = trackWhere(q);
    if (!where.sql) return all;
    const key = `${orderKey}|${where.sql}|${JSON.stringify(where.params)}`;
    const hit = this.filtered.get(key);
    if (hit) return hit;
    const matching = this.db.prepare(`SELECT id FROM tracks ${where.sql}`).pluck().all(...where.params) as number[];
    let result: Int32Array;
    if (matching.length === 0) {
      result = new Int32Array(0);
    } else {
      let maxId = 0;
      for (const id of matching) if (id > maxId) maxId = id;
      const mask = new Uint8Array(maxId + 1);
      for (const id of matching) mask[id] = 1;
      result = all.filter((id) => id <= maxId && mask[id] === 1);
    }
    if (this.filtered.size >= this.maxFiltered) this.filtered.delete(this.filtered.keys().next().value!);
    this.filtered.set(key, result);
    return result;
  }

  private rowsById(ids: Int32Array) {
    if (ids.length === 0) return [];
    const records = this.db
      .prepare(`SELECT ${trackRowColumns} FROM tracks WHERE id IN (SELECT value FROM json_each(?))`)
      .all(JSON.stringify(Array.from(ids))) as TrackRowRecord[];
    const byId = new Map(records.map((r) => [r.id, r]));
    const rows = [];
    for (const id of ids) {
      const r = byId.get(id);
      if (r) rows.push(toTrackRow(r));
    }
    return rows;
  }

  private checkStamp(): void {
    const stamp = changeStamp(this.db);
    if (stamp !== this.stamp) {
      this.stamp = stamp;
      this.ordered.clear();
      this.filtered.clear();
    }
  }
}
