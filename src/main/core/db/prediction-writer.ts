import { float32Blob, quantizeProbabilityRows } from './blob-codec.ts';
import { analysisFailedCode } from './classify-queue.ts';
import type { Database } from './database.ts';
import { EmbeddingWriter } from './track-embeddings.ts';

/** One model's prediction for a track, as stored. */
export interface PredictionRecord {
  kind: string;
  version: string;
  labels: readonly string[];
  probabilities: ArrayLike<number>;
  segmentSeconds: number;
  segmentStarts: ArrayLike<number>;
  /** [segments, labels] row-major. */
  segmentProbabilities: ArrayLike<number>;
}

interface OutcomeBase {
  trackId: number;
  /** The content_version of the track when it was analysed. */
  contentVersion: number;
  elapsedMs: number;
}

/** What listening to one track gave: an analysis with predictions, or the reason it failed. */
export type AnalysisOutcome =
  | (OutcomeBase & {
      status: 'ok';
      durationSeconds: number;
      segmentCount: number;
      clip: { startSeconds: number; seconds: number; features: ArrayLike<number> };
      predictions: readonly PredictionRecord[];
      /** The track's embedding (what personal models read), when the classifier computed one. */
      embedding?: { columns: readonly string[]; values: ArrayLike<number> };
      /** Classified from part of the audio: the cause and share, stored as the analysis' error beside status ok. */
      warning?: { code: string; message: string } | null;
    })
  | (OutcomeBase & {
      status: 'error';
      code: string;
      message: string;
      /** The file cannot be decoded: the track is shown as unreadable with this reason. */
      unreadable: boolean;
      /** A passing cause (the file vanished during the job): recorded with its code, listened to again next time. */
      retry?: boolean;
    });

export interface WriterModel {
  kind: string;
  version: string;
  architecture: string;
  labels: readonly string[];
}

/**
 * Re-predicts tracks with the active personal model (core/personal's refreshPersonalPredictions); the writer calls
 * it inside its transaction, for the tracks whose embedding it just stored, when a personal model is active.
 */
export type RefreshPersonalPredictions = (db: Database, basePreference: readonly string[], trackIds: readonly number[], now: number) => unknown;

export interface WriteCounts {
  written: number;
  /** Tracks removed from the library while they were analysed. */
  gone: number;
}

/**
 * The classification job's single writer: stores batches of outcomes in one transaction each, so a cancel or a
 * crash leaves every track either as it was or fully updated (analysis, predictions and the denormalised top
 * prediction together). Tracks deleted meanwhile are skipped; a track whose audio changed meanwhile keeps its
 * new state (its analysis is stored for the old content and the next run redoes it).
 */
export class PredictionWriter {
  private readonly db: Database;
  private readonly engineVersion: string;
  private readonly preference: readonly string[];
  private readonly now: () => number;
  private readonly statements;
  private readonly embeddings: EmbeddingWriter;
  private readonly refreshPersonal: RefreshPersonalPredictions;

  /** `models`: the versions that will be written, in order of preference (first = the table's prediction). */
  constructor(
    db: Database,
    options: { engineVersion: string; models: readonly WriterModel[]; refreshPersonalPredictions: RefreshPersonalPredictions; now?: () => number },
  ) {
    this.db = db;
    this.engineVersion = options.engineVersion;
    this.preference = options.models.map((m) => m.kind);
    this.refreshPersonal = options.refreshPersonalPredictions;
    this.now = options.now ?? Date.now;
    this.statements = {
      track: db.prepare('SELECT content_version FROM tracks WHERE id = ?').pluck(),
      analysis: db.prepare(`INSERT OR REPLACE INTO track_analyses (track_id, content_version, status, error, error_code,
        duration_s, segment_count, clip_start_s, clip_seconds, clip_features, engine_version, elapsed_ms, analyzed_at)
        VALUES (@track_id, @content_version, @status, @error, @error_code, @duration_s, @segment_count, @clip_start_s,
        @clip_seconds, @clip_features, @engine_version, @elapsed_ms, @analyzed_at)`),
      dropStale: db.prepare('DELETE FROM predictions WHERE track_id = ? AND content_version <> ?'),
      dropAll: db.prepare('DELETE FROM predictions WHERE track_id = ?'),
      prediction: db.prepare(`INSERT OR REPLACE INTO predictions (track_id, model_kind, model_version, content_version,
        probabilities, segment_count, segment_seconds, segment_starts, segment_probabilities, top_genre, confidence,
        predicted_at) VALUES (@track_id, @kind, @version, @content_version, @probabilities, @segment_count,
        @segment_seconds, @segment_starts, @segment_probabilities, @top_genre, @confidence, @predicted_at)`),
      top: db.prepare(`UPDATE tracks SET predicted_genre = ?, predicted_confidence = ? WHERE id = ? AND content_version = ?`),
      unreadable: db.prepare(`UPDATE tracks SET status = 'error', error = ?, predicted_genre = NULL, predicted_confidence = NULL,
        updated_at = ? WHERE id = ? AND content_version = ? AND status = 'ok'`),
    };
    this.embeddings = new EmbeddingWriter(db);
    const addModel = db.prepare(
      'INSERT OR IGNORE INTO model_versions (kind, version, architecture, labels_json, first_used_at) VALUES (?, ?, ?, ?, ?)',
    );
    db.transaction(() => {
      for (const m of options.models) addModel.run(m.kind, m.version, m.architecture, JSON.stringify(m.labels), this.now());
    }).immediate();
  }

  private hasPersonalModel(): boolean {
    return this.db.prepare('SELECT 1 FROM personal_models WHERE active = 1').get() !== undefined;
  }

  write(batch: readonly AnalysisOutcome[]): WriteCounts {
    const counts: WriteCounts = { written: 0, gone: 0 };
    if (batch.length === 0) return counts;
    const s = this.statements;
    const now = this.now();
    const withEmbedding: number[] = [];
    this.db.transaction(() => {
      for (const o of batch) {
        const current = s.track.get(o.trackId) as number | undefined;
        if (current === undefined) {
          counts.gone++;
          continue;
        }
        const base = {
          track_id: o.trackId,
          content_version: o.contentVersion,
          engine_version: this.engineVersion,
          elapsed_ms: Math.round(o.elapsedMs),
          analyzed_at: now,
        };
        if (o.status === 'error') {
          s.analysis.run({
            ...base, status: 'error', error: o.message, error_code: o.unreadable || o.retry ? o.code : analysisFailedCode,
            duration_s: null, segment_count: null, clip_start_s: null, clip_seconds: null, clip_features: null,
          });
          if (o.unreadable) {
            s.dropAll.run(o.trackId);
            s.unreadable.run(o.message, now, o.trackId, o.contentVersion);
          }
          counts.written++;
          continue;
        }
        s.analysis.run({
          ...base, status: 'ok', error: o.warning?.message ?? null, error_code: o.warning?.code ?? null, duration_s: o.durationSeconds, segment_count: o.segmentCount,
          clip_start_s: o.clip.startSeconds, clip_seconds: o.clip.seconds, clip_features: float32Blob(o.clip.features),
        });
        s.dropStale.run(o.trackId, o.contentVersion);
        let best: { rank: number; genre: string; confidence: number } | null = null;
        for (const p of o.predictions) {
          const k = p.labels.length;
          let top = 0;
          for (let c = 1; c < k; c++) if (p.probabilities[c] > p.probabilities[top]) top = c;
          const n = p.segmentStarts.length;
          if (p.segmentProbabilities.length !== n * k) throw new Error(`${p.kind}: ${p.segmentProbabilities.length} segment probabilities for ${n} segments`);
          s.prediction.run({
            track_id: o.trackId, kind: p.kind, version: p.version, content_version: o.contentVersion,
            probabilities: float32Blob(p.probabilities), segment_count: n, segment_seconds: p.segmentSeconds,
            segment_starts: float32Blob(p.segmentStarts), segment_probabilities: quantizeProbabilityRows(p.segmentProbabilities, k),
            top_genre: p.labels[top], confidence: p.probabilities[top], predicted_at: now,
          });
          const rank = this.preference.indexOf(p.kind);
          if (rank >= 0 && (best === null || rank < best.rank)) best = { rank, genre: p.labels[top], confidence: p.probabilities[top] };
        }
        if (best) s.top.run(best.genre, best.confidence, o.trackId, o.contentVersion);
        if (o.embedding && current === o.contentVersion) {
          this.embeddings.write(o.trackId, o.contentVersion, o.embedding.columns, o.embedding.values);
          withEmbedding.push(o.trackId);
        }
        counts.written++;
      }
      // The active personal model, if any, speaks for these tracks: predicted from the embeddings just stored.
      if (withEmbedding.length > 0 && this.hasPersonalModel()) this.refreshPersonal(this.db, this.preference, withEmbedding, now);
    }).immediate();
    return counts;
  }
}
