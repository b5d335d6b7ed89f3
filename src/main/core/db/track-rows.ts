import type { TrackDetail, TrackRow, TrackStatus } from '../../../shared/api/library.ts';
import type { LabelSource } from '../../../shared/api/labels.ts';
import type { Database } from './database.ts';
import { isUnsure } from './unsure.ts';

/** Columns of a library table row, in the shape `toTrackRow` reads. */
export const trackRowColumns = `id, root_id, path, dir, filename, title, artist, album, genres_json, duration_s, format,
  status, error, predicted_genre, predicted_confidence,
  (SELECT l.genres_json FROM track_labels l WHERE l.track_id = tracks.id) AS label_json,
  (SELECT l.source FROM track_labels l WHERE l.track_id = tracks.id) AS label_source,
  (SELECT s.value_json FROM settings s WHERE s.key = 'unsureThreshold') AS unsure_threshold_json,
  (SELECT a.error FROM track_analyses a WHERE a.track_id = tracks.id AND a.status = 'error') AS analysis_error`;

export const trackDetailColumns = `${trackRowColumns}, album_artist, year, track_no, codec, sample_rate, channels,
  bitrate, size, mtime_ms, added_at, scanned_at, missing_since`;

export interface TrackRowRecord {
  id: number;
  root_id: number;
  path: string;
  dir: string;
  filename: string;
  title: string | null;
  artist: string | null;
  album: string | null;
  genres_json: string;
  duration_s: number | null;
  format: string | null;
  status: TrackStatus;
  error: string | null;
  predicted_genre: string | null;
  predicted_confidence: number | null;
  label_json: string | null;
  label_source: LabelSource | null;
  unsure_threshold_json: string | null;
  analysis_error: string | null;
}

export interface TrackDetailRecord extends TrackRowRecord {
  album_artist: string | null;
  year: number | null;
  track_no: number | null;
  codec: string | null;
  sample_rate: number | null;
  channels: number | null;
  bitrate: number | null;
  size: number;
  mtime_ms: number;
  added_at: number;
  scanned_at: number | null;
  missing_since: number | null;
}

export function toTrackRow(r: TrackRowRecord): TrackRow {
  return {
    id: r.id,
    rootId: r.root_id,
    path: r.path,
    dir: r.dir,
    filename: r.filename,
    title: r.title,
    artist: r.artist,
    album: r.album,
    genres: parseGenres(r.genres_json),
    durationS: r.duration_s,
    format: r.format,
    status: r.status,
    error: r.error,
    predictedGenre: r.predicted_genre,
    confidence: r.predicted_confidence,
    unsure: r.unsure_threshold_json === null ? isUnsure(r.predicted_confidence) : isUnsure(r.predicted_confidence, Number(JSON.parse(r.unsure_threshold_json))),
    label: r.label_json === null ? null : (JSON.parse(r.label_json) as string[]),
    labelSource: r.label_source,
    analysisError: r.analysis_error,
  };
}

export function toTrackDetail(r: TrackDetailRecord): TrackDetail {
  return {
    ...toTrackRow(r),
    albumArtist: r.album_artist,
    year: r.year,
    trackNo: r.track_no,
    codec: r.codec,
    sampleRate: r.sample_rate,
    channels: r.channels,
    bitrate: r.bitrate,
    sizeBytes: r.size,
    mtimeMs: r.mtime_ms,
    addedAt: r.added_at,
    scannedAt: r.scanned_at,
    missingSince: r.missing_since,
  };
}

/** One track with every detail, or null when there is no track with that id. */
export function readTrackDetail(db: Database, id: number): TrackDetail | null {
  const r = db.prepare(`SELECT ${trackDetailColumns} FROM tracks WHERE id = ?`).get(id) as TrackDetailRecord | undefined;
  return r ? toTrackDetail(r) : null;
}

function parseGenres(json: string): string[] {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v.filter((g): g is string => typeof g === 'string') : [];
  } catch {
    return [];
  }
}
