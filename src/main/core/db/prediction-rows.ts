import { readFloat32Blob, readProbabilityRows } from './blob-codec.ts';
import type { Database } from './database.ts';

export interface StoredPrediction {
  kind: string;
  version: string;
  contentVersion: number;
  labels: string[];
  probabilities: Float32Array;
  segmentSeconds: number;
  segmentStarts: Float32Array;
  /** [segments, labels] row-major (1/255 resolution). */
  segmentProbabilities: Float32Array;
  top: string;
  confidence: number;
  predictedAt: number;
}

export interface StoredAnalysis {
  contentVersion: number;
  status: 'ok' | 'error';
  error: string | null;
  errorCode: string | null;
  durationS: number | null;
  segmentCount: number | null;
  clipStartS: number | null;
  clipSeconds: number | null;
  clipFeatures: Float32Array | null;
  engineVersion: string;
  elapsedMs: number | null;
  analyzedAt: number;
}

interface PredictionRecord {
  model_kind: string;
  model_version: string;
  content_version: number;
  labels_json: string;
  probabilities: Buffer;
  segment_seconds: number;
  segment_starts: Buffer;
  segment_probabilities: Buffer;
  top_genre: string;
  confidence: number;
  predicted_at: number;
}

/** Every stored prediction of a track (one per model kind), with its model's labels. */
export function readTrackPredictions(db: Database, trackId: number): StoredPrediction[] {
  const rows = db
    .prepare(
      `SELECT p.model_kind, p.model_version, p.content_version, m.labels_json, p.probabilities, p.segment_seconds,
         p.segment_starts, p.segment_probabilities, p.top_genre, p.confidence, p.predicted_at
       FROM predictions p JOIN model_versions m ON m.kind = p.model_kind AND m.version = p.model_version
       WHERE p.track_id = ? ORDER BY p.model_kind`,
    )
    .all(trackId) as PredictionRecord[];
  return rows.map((r) => ({
    kind: r.model_kind,
    version: r.model_version,
    contentVersion: r.content_version,
    labels: JSON.parse(r.labels_json) as string[],
    probabilities: readFloat32Blob(r.probabilities),
    segmentSeconds: r.segment_seconds,
    segmentStarts: readFloat32Blob(r.segment_starts),
    segmentProbabilities: readProbabilityRows(r.segment_probabilities),
    top: r.top_genre,
    confidence: r.confidence,
    predictedAt: r.predicted_at,
  }));
}

export function readTrackAnalysis(db: Database, trackId: number): StoredAnalysis | null {
  const r = db.prepare('SELECT * FROM track_analyses WHERE track_id = ?').get(trackId) as
    | {
        content_version: number; status: 'ok' | 'error'; error: string | null; error_code: string | null; duration_s: number | null;
        segment_count: number | null; clip_start_s: number | null; clip_seconds: number | null; clip_features: Buffer | null;
        engine_version: string; elapsed_ms: number | null; analyzed_at: number;
      }
    | undefined;
  if (!r) return null;
  return {
    contentVersion: r.content_version,
    status: r.status,
    error: r.error,
    errorCode: r.error_code,
    durationS: r.duration_s,
    segmentCount: r.segment_count,
    clipStartS: r.clip_start_s,
    clipSeconds: r.clip_seconds,
    clipFeatures: r.clip_features ? readFloat32Blob(r.clip_features) : null,
    engineVersion: r.engine_version,
    elapsedMs: r.elapsed_ms,
    analyzedAt: r.analyzed_at,
  };
}

/** Tracks per top predicted genre (the library table's), most first; optionally below a folder and above a confidence. */
export function predictedGenreCounts(db: Database, filter: { folder?: string; minConfidence?: number } = {}): { genre: string; count: number }[] {
  const clauses = ['predicted_genre IS NOT NULL'];
  const params: unknown[] = [];
  if (filter.folder) {
    const folder = filter.folder.replace(/[\\/]+$/, '');
    clauses.push('path >= ? AND path < ?');
    params.push(`${folder}/`, `${folder}0`);
  }
  if (filter.minConfidence !== undefined && filter.minConfidence > 0) {
    clauses.push('predicted_confidence >= ?');
    params.push(filter.minConfidence);
  }
  return db
    .prepare(`SELECT predicted_genre AS genre, count(*) AS count FROM tracks WHERE ${clauses.join(' AND ')} GROUP BY predicted_genre ORDER BY count DESC, genre`)
    .all(...params) as { genre: string; count: number }[];
}

/** How many readable tracks have a prediction, and how many failed to decode. */
export function classificationCounts(db: Database): { classified: number; unreadable: number } {
  const classified = db.prepare(`SELECT count(*) FROM tracks WHERE status = 'ok' AND predicted_genre IS NOT NULL`).pluck().get() as number;
  const unreadable = db
    .prepare(`SELECT count(*) FROM track_analyses a JOIN tracks t ON t.id = a.track_id WHERE a.status = 'error' AND t.status = 'error' AND a.error_code <> 'analysis-failed'`)
    .pluck()
    .get() as number;
  return { classified, unreadable };
}
