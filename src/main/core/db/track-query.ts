import type { SortColumn, TrackPage, TrackQuery } from '../../../shared/api/library.ts';
import type { z } from 'zod';
import type { trackFilterSchema } from '../../../shared/api/library.ts';
import { trackQuerySchema } from '../../../shared/api/library.ts';
import { changeStamp } from './change-stamp.ts';
import { readUnsureThreshold } from './library-settings.ts';
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

/** FTS5's trigram tokenizer matches substrings of three characters or more. */
const trigramLength = 3;

type Filters = z.output<typeof trackFilterSchema>;

export interface Where {
  sql: string;
  params: unknown[];
}

export interface SearchMatch {
  /** FTS5 query for tracks_fts (trigram): every word of 3+ characters, anywhere in a field. */
  substrings: string | null;
  /** FTS5 query for tracks_words: every shorter word, as the start of a word ("lo" finds "Love", not "Hello"). */
  prefixes: string | null;
}

const quote = (w: string): string => `"${w.replaceAll('"', '""')}"`;

/**
 * How the search box's text is matched: all words must match (in any of title, artist, album, genre tag, path),
 * ignoring case and accents. Words of three or more characters match anywhere; shorter ones match word starts,
 * which keeps the first keystrokes of a search fast at any library size.
 */
export function searchMatch(search: string | undefined): SearchMatch {
  const words = (search ?? '').trim().split(/\s+/).filter(Boolean).slice(0, 12);
  const long = words.filter((w) => [...w].length >= trigramLength);
  const short = words
    .filter((w) => [...w].length < trigramLength)
    .map((w) => w.replace(/[^\p{L}\p{N}]/gu, ''))
    .filter(Boolean);
  return {
    substrings: long.length > 0 ? long.map(quote).join(' AND ') : null,
    prefixes: short.length > 0 ? short.map((w) => `${quote(w)}*`).join(' AND ') : null,
  };
}

/**
 * Tracks whose base models (every kind but the ensemble, which is made of them) name different top genres. The
 * predictions' primary key is (track_id, model_kind), so this is one walk of it, cached with the filter's ids.
 */
const modelsDisagree = `id IN (SELECT track_id FROM predictions WHERE model_kind <> 'ensemble'
  GROUP BY track_id HAVING min(top_genre) <> max(top_genre))`;

/**
 * Conditions other than text: folder, status, predicted genre, confidence range, labelled or not, unsure (under
 * `unsureThreshold`, the library's setting: see readUnsureThreshold), models disagree.
 */
function otherFilters(q: Filters, unsureThreshold: number): Where {
  const clauses: string[] = [];
  const params: unknown[] = [];
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
  if (q.minConfidence !== undefined && q.minConfidence > 0) {
    clauses.push('predicted_confidence >= ?');
    params.push(q.minConfidence);
  }
  if (q.maxConfidence !== undefined) {
    clauses.push('predicted_confidence < ?');
    params.push(q.maxConfidence);
  }
  if (q.unsure) {
    clauses.push('predicted_confidence < ?');
    params.push(unsureThreshold);
  }
  if (q.labelled !== undefined) clauses.push(`id ${q.labelled ? '' : 'NOT '}IN (SELECT track_id FROM track_labels)`);
  if (q.disagree) clauses.push(modelsDisagree);
  return { sql: clauses.join(' AND '), params };
}

/**
 * The WHERE clause for a set of filters, for selecting tracks in SQL (e.g. tag writes by filter); empty when none.
 * `unsureThreshold` is the library's (readUnsureThreshold), for the `unsure` filter.
 */
export function trackWhere(q: Filters, unsureThreshold: number): Where {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const m = searchMatch(q.search);
  if (m.substrings) {
    clauses.push('id IN (SELECT rowid FROM tracks_fts WHERE tracks_fts MATCH ?)');
    params.push(m.substrings);
  }
  if (m.prefixes) {
    clauses.push('id IN (SELECT rowid FROM tracks_words WHERE tracks_words MATCH ?)');
    params.push(m.prefixes);
  }
  const other = otherFilters(q, unsureThreshold);
  if (other.sql) {
    clauses.push(other.sql);
    params.push(...other.params);
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
    const m = searchMatch(q.search);
    const other = otherFilters(q, q.unsure ? readUnsureThreshold(this.db) : 0);
    if (!m.substrings && !m.prefixes && !other.sql) return all;
    const key = `${orderKey}|${m.substrings}|${m.prefixes}|${other.sql}|${JSON.stringify(other.params)}`;
    const hit = this.filtered.get(key);
    if (hit) return hit;
    // Each condition yields the ids that satisfy it, straight from its index; a track must be in all of them.
    const sources: number[][] = [];
    if (m.substrings) sources.push(this.pluck('SELECT rowid FROM tracks_fts WHERE tracks_fts MATCH ?', [m.substrings]));
    if (m.prefixes) sources.push(this.pluck('SELECT rowid FROM tracks_words WHERE tracks_words MATCH ?', [m.prefixes]));
    if (other.sql) sources.push(this.pluck(`SELECT id FROM tracks WHERE ${other.sql}`, other.params));
    const result = intersectInOrder(all, sources);
    if (this.filtered.size >= this.maxFiltered) this.filtered.delete(this.filtered.keys().next().value!);
    this.filtered.set(key, result);
    return result;
  }

  private pluck(sql: string, params: unknown[]): number[] {
    return this.db.prepare(sql).pluck().all(...params) as number[];
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

/** The ids of `ordered` that appear in every source, in `ordered`'s order. */
function intersectInOrder(ordered: Int32Array, sources: number[][]): Int32Array {
  if (sources.some((s) => s.length === 0)) return new Int32Array(0);
  let maxId = 0;
  for (const id of ordered) if (id > maxId) maxId = id;
  const hits = new Uint8Array(maxId + 1);
  for (const source of sources) {
    for (const id of source) if (id <= maxId) hits[id]++;
  }
  const need = sources.length;
  return ordered.filter((id) => hits[id] === need);
}
