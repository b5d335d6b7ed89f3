import { randomInt } from 'node:crypto';
import { basename } from 'node:path';
import type { ParsedPlaylistRequest, PlaylistEntry, PlaylistLeftOut, PlaylistSort } from '../../../shared/api/playlists.ts';
import type { Database } from '../db/database.ts';
import { DEFAULT_UNSURE_THRESHOLD, isUnsure } from '../db/unsure.ts';
import { defaultTaxonomy, genreKey, normalizeGenres } from '../tags/taxonomy.ts';
import { sortPlaylistEntries } from './sort-entries.ts';

/** One playlist to write: its name, the genre it is for (null for a view playlist) and its tracks in order. */
export interface PlannedPlaylist {
  name: string;
  genre: string | null;
  entries: PlaylistEntry[];
}

export interface PlaylistPlan {
  playlists: PlannedPlaylist[];
  /** Genres asked for by name that got no track. */
  emptyGenres: string[];
  leftOut: PlaylistLeftOut;
  unsureThreshold: number;
  seed: number | null;
}

interface TrackRecord {
  id: number;
  path: string;
  title: string | null;
  artist: string | null;
  album: string | null;
  track_no: number | null;
  duration_s: number | null;
  status: 'ok' | 'error' | 'missing';
  predicted_genre: string | null;
  predicted_confidence: number | null;
  label_json: string | null;
}

export interface PlanOptions {
  /** The ids of the library view (`request.view`), in the view's order; required when the request has a view. */
  viewIds?: Int32Array | null;
  unsureThreshold?: number;
}

function parseList(json: string | null): string[] {
  if (!json) return [];
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v.filter((g): g is string => typeof g === 'string' && g.trim() !== '') : [];
  } catch {
    return [];
  }
}

/** The genre names playlists use: the built-in taxonomy's ("hiphop" -> "Hip Hop"), so labels and predictions meet. */
export function canonicalGenres(genres: readonly string[]): string[] {
  return normalizeGenres(genres, defaultTaxonomy);
}

function toEntry(r: TrackRecord, reason: PlaylistEntry['reason'], confidence: number | null): PlaylistEntry {
  return {
    trackId: r.id,
    path: r.path,
    title: r.title,
    artist: r.artist,
    album: r.album,
    trackNo: r.track_no,
    durationS: r.duration_s,
    reason,
    confidence,
  };
}

function readTracks(db: Database, ids: Int32Array | null): TrackRecord[] {
  const columns = `t.id, t.path, t.title, t.artist, t.album, t.track_no, t.duration_s, t.status, t.predicted_genre,
    t.predicted_confidence, l.genres_json AS label_json`;
  if (ids) {
    return db
      .prepare(`SELECT ${columns} FROM tracks t LEFT JOIN track_labels l ON l.track_id = t.id WHERE t.id IN (SELECT value FROM json_each(?))`)
      .all(JSON.stringify(Array.from(ids))) as TrackRecord[];
  }
  return db.prepare(`SELECT ${columns} FROM tracks t LEFT JOIN track_labels l ON l.track_id = t.id ORDER BY t.id`).all() as TrackRecord[];
}

function viewName(request: ParsedPlaylistRequest): string {
  const v = request.view!;
  if (request.name) return request.name;
  if (v.predicted) return canonicalGenres([v.predicted])[0] ?? v.predicted;
  if (v.status === 'error') return 'Unreadable files';
  if (v.status === 'missing') return 'Missing files';
  const parts = [v.folder ? basename(v.folder.replace(/[\\/]+$/, '')) || v.folder : null, v.search?.trim() || null].filter(Boolean);
  return parts.length > 0 ? parts.join(' - ') : 'All tracks';
}

function emptyLeftOut(): PlaylistLeftOut {
  return { unsure: 0, belowConfidence: 0, unplayable: 0, noGenre: 0, overLimit: 0 };
}

/**
 * Chooses the tracks of each playlist a request asks for, from the library alone (no file is opened):
 * - with genres (or all genres): a track's genres come from its label, its prediction, or the label where there is
 *   one (the label wins); a track with several genres is in each of their playlists; predictions under the unsure
 *   threshold (unless asked for) or under `minConfidence` are left out, labels never are;
 * - with a view and no genre: exactly the view's tracks.
 * Tracks missing or unreadable at the last scan are left out (a player could not play them); every track left out
 * is counted by reason. Each playlist is sorted, then cut to `limit`.
 */
export function planPlaylists(db: Database, request: ParsedPlaylistRequest, options: PlanOptions = {}): PlaylistPlan {
  const threshold = options.unsureThreshold ?? DEFAULT_UNSURE_THRESHOLD;
  const viewIds = request.view ? (options.viewIds ?? null) : null;
  if (request.view && !viewIds) throw new Error('planPlaylists: a request with a view needs the view\'s track ids');
  const leftOut = emptyLeftOut();
  const byGenre = !!request.allGenres || (request.genres?.length ?? 0) > 0;
  const seed = request.sort === 'random' ? (request.seed ?? randomInt(0, 0xffffffff)) : null;
  const records = readTracks(db, viewIds);
  let ordered = records;
  if (viewIds) {
    const byId = new Map(records.map((r) => [r.id, r]));
    ordered = [];
    for (const id of viewIds) {
      const r = byId.get(id);
      if (r) ordered.push(r);
    }
  }

  const finish = (list: { name: string; genre: string | null; entries: PlaylistEntry[]; keepOrder: boolean }[], emptyGenres: string[]): PlaylistPlan => {
    const playlists = list.map((p) => {
      let entries = p.keepOrder && request.sort === undefined ? p.entries : sortPlaylistEntries(p.entries, (request.sort ?? 'artist') as PlaylistSort, seed);
      if (request.limit !== undefined && entries.length > request.limit) {
        leftOut.overLimit += entries.length - request.limit;
        entries = entries.slice(0, request.limit);
      }
      return { name: p.name, genre: p.genre, entries };
    });
    return { playlists: playlists.filter((p) => p.entries.length > 0), emptyGenres, leftOut, unsureThreshold: threshold, seed };
  };

  if (!byGenre) {
    const entries: PlaylistEntry[] = [];
    for (const r of ordered) {
      if (r.status !== 'ok') leftOut.unplayable++;
      else entries.push(toEntry(r, 'view', r.predicted_confidence));
    }
    return finish([{ name: viewName(request), genre: null, entries, keepOrder: true }], []);
  }

  // Genres asked for, by comparison key, in the order asked.
  const wanted = request.allGenres ? null : new Map(canonicalGenres(request.genres ?? []).map((g) => [genreKey(g), g]));
  const excluded = new Set(canonicalGenres(request.excludeGenres ?? []).map(genreKey));
  const counts = new Map<string, { spellings: Map<string, number>; entries: PlaylistEntry[] }>();
  // A library holds few distinct genre lists: each is parsed, normalised and filtered once.
  const memo = new Map<string, { any: boolean; relevant: string[] }>();
  const genresOf = (key: string, list: () => string[]): { any: boolean; relevant: string[] } => {
    let hit = memo.get(key);
    if (!hit) {
      const all = canonicalGenres(list());
      hit = { any: all.length > 0, relevant: all.filter((g) => !excluded.has(genreKey(g)) && (!wanted || wanted.has(genreKey(g)))) };
      memo.set(key, hit);
    }
    return hit;
  };

  for (const r of ordered) {
    const label = request.source === 'prediction' || !r.label_json ? null : genresOf(`l${r.label_json}`, () => parseList(r.label_json));
    let genres: string[];
    let entry: PlaylistEntry;
    if (label?.any) {
      genres = label.relevant;
      entry = toEntry(r, 'label', null);
    } else if (request.source !== 'label' && r.predicted_genre) {
      const predicted = r.predicted_genre;
      genres = genresOf(`p${predicted}`, () => [predicted]).relevant;
      if (genres.length === 0) continue;
      if (!request.includeUnsure && isUnsure(r.predicted_confidence, threshold)) {
        leftOut.unsure++;
        continue;
      }
      if (request.minConfidence !== undefined && !((r.predicted_confidence ?? -1) >= request.minConfidence)) {
        leftOut.belowConfidence++;
        continue;
      }
      entry = toEntry(r, 'prediction', r.predicted_confidence);
    } else {
      if (!wanted) leftOut.noGenre++;
      continue;
    }
    if (genres.length === 0) continue;
    if (r.status !== 'ok') {
      leftOut.unplayable++;
      continue;
    }
    for (const g of genres) {
      const key = genreKey(g);
      let group = counts.get(key);
      if (!group) counts.set(key, (group = { spellings: new Map(), entries: [] }));
      group.spellings.set(g, (group.spellings.get(g) ?? 0) + 1);
      group.entries.push(entry);
    }
  }

  const mostUsed = (spellings: Map<string, number>): string =>
    [...spellings].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))[0][0];
  const list: { name: string; genre: string; entries: PlaylistEntry[]; keepOrder: boolean }[] = [];
  const emptyGenres: string[] = [];
  if (wanted) {
    for (const [key, asked] of wanted) {
      const group = counts.get(key);
      if (!group || excluded.has(key)) emptyGenres.push(asked);
      else {
        const name = mostUsed(group.spellings);
        list.push({ name, genre: name, entries: group.entries, keepOrder: false });
      }
    }
  } else {
    for (const group of counts.values()) {
      const name = mostUsed(group.spellings);
      list.push({ name, genre: name, entries: group.entries, keepOrder: false });
    }
    list.sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : a.name.toLowerCase() > b.name.toLowerCase() ? 1 : 0));
  }
  return finish(list, emptyGenres);
}
