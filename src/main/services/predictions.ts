import type {
  ActiveModelInfo,
  ClassificationStatus,
  GenreCount,
  ModelKindName,
  ModelTrackPrediction,
  TrackPredictions,
} from '../../shared/api/predictions.ts';
import type { JobInfoOf } from '../../shared/api/jobs.ts';
import { ApiError } from '../../shared/errors.ts';
import { locateFfmpeg } from '../core/audio/locate-ffmpeg.ts';
import type { ActiveModel } from '../core/classify/active-models.ts';
import { activeModels, headlineAccuracy } from '../core/classify/active-models.ts';
import { appBuildVersion } from '../core/classify/app-build-version.ts';
import { genreTimeline } from '../core/classify/genre-timeline.ts';
import { countTracksToClassify } from '../core/db/classify-queue.ts';
import { classificationCounts, predictedGenreCounts, readTrackAnalysis, readTrackPredictions } from '../core/db/prediction-rows.ts';
import { kindNamesByPreference } from '../core/models/kinds/registry.ts';
import { ModelStore } from '../core/models/store/model-store.ts';
import { shippedModelsDir, userModelsDir } from '../core/models/store/shipped-models-dir.ts';
import type { ComputePreference } from '../core/models/runtime/compute-device.ts';
import type { ClassifyPayload } from '../workers/classify.job.ts';
import type { AppContext } from './app-context.ts';
import type { HandlerSet } from './handler-set.ts';

export interface ClassifyRequest {
  rootIds?: number[];
  trackIds?: number[];
  force?: boolean;
  workers?: number;
  /** Store and announce ('classify.tracks') every track as it finishes, not in batches. */
  commitEachTrack?: boolean;
  /** Where the segment models may run: auto (a GPU when one works and is faster), cpu or gpu. */
  compute?: ComputePreference;
}

/** A request that arrived while a classification ran: it runs when that one finishes (everything, unscoped). */
const rerunWanted = new WeakMap<AppContext, boolean>();

export function modelStore(ctx: AppContext): ModelStore {
  return new ModelStore({ userDir: userModelsDir(ctx.dataDir), shippedDir: shippedModelsDir() });
}

function currentModels(ctx: AppContext): ActiveModel[] {
  try {
    return activeModels(modelStore(ctx));
  } catch (error) {
    throw new ApiError('unavailable', `The model store cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function accuracyNote(m: ActiveModel): string | null {
  const metrics = m.manifest.metrics;
  if (metrics.test) return `test split, ${metrics.test.n} tracks`;
  if (metrics.crossValidation) return `${metrics.crossValidation.folds}-fold cross-validation, ${metrics.crossValidation.pooled.n} tracks`;
  if (metrics.valid) return `validation split, ${metrics.valid.n} tracks`;
  return null;
}

function modelInfo(models: ActiveModel[]): ActiveModelInfo[] {
  return models.map((m, i) => ({
    kind: m.kind,
    version: m.version,
    architecture: m.manifest.architecture,
    labels: m.manifest.labels,
    accuracy: headlineAccuracy(m.manifest),
    accuracyNote: accuracyNote(m),
    primary: i === 0,
  }));
}

/**
 * Starts the classification job for the tracks that need it (new or changed audio, a model version without a
 * prediction). While one runs, a new request is remembered and runs once it finishes (over the whole library),
 * so tracks added meanwhile are not missed; the running job's id is returned.
 */
export function startClassification(ctx: AppContext, request: ClassifyRequest = {}): JobInfoOf<'classify'> | null {
  const running = ctx.jobs.running('classify');
  if (running.length > 0) {
    rerunWanted.set(ctx, true);
    return running[0];
  }
  const models = currentModels(ctx);
  if (models.length === 0) throw new ApiError('unavailable', 'No genre model is installed, so tracks cannot be classified.');
  const payload: ClassifyPayload = {
    rootIds: request.rootIds,
    trackIds: request.trackIds,
    force: request.force,
    workers: request.workers,
    engineVersion: appBuildVersion(),
    commitEachTrack: request.commitEachTrack,
    compute: request.compute,
    models,
  };
  const job = ctx.jobs.start({
    kind: 'classify',
    worker: 'classify',
    payload,
    // its thread and analysis workers may stay for the next classification (AppContext keepWorkersMs)
    keepThread: true,
    then: () => {
      if (!rerunWanted.get(ctx)) return null;
      rerunWanted.delete(ctx);
      return startClassification(ctx);
    },
  });
  return job;
}

export function cancelClassification(ctx: AppContext): { cancelled: boolean } {
  rerunWanted.delete(ctx);
  const running = ctx.jobs.running('classify');
  for (const job of running) ctx.jobs.cancel(job.id);
  return { cancelled: running.length > 0 };
}

export function classificationStatus(ctx: AppContext): ClassificationStatus {
  let models: ActiveModel[] = [];
  let problem: string | null = null;
  try {
    models = currentModels(ctx);
    if (models.length === 0) problem = 'No genre model is installed.';
  } catch (error) {
    problem = error instanceof Error ? error.message : String(error);
  }
  if (!problem && !locateFfmpeg()) problem = 'ffmpeg was not found, so tracks cannot be listened to.';
  const pending = countTracksToClassify(ctx.db, { models, engineVersion: appBuildVersion() });
  return {
    models: modelInfo(models),
    pending: models.length > 0 ? pending : 0,
    ...classificationCounts(ctx.db),
    jobId: ctx.jobs.running('classify')[0]?.id ?? null,
    problem,
  };
}

export function trackPredictions(ctx: AppContext, trackId: number): TrackPredictions {
  const track = ctx.db.prepare('SELECT content_version, duration_s FROM tracks WHERE id = ?').get(trackId) as
    | { content_version: number; duration_s: number | null }
    | undefined;
  if (!track) throw new ApiError('not_found', `No track with id ${trackId}`);
  const analysis = readTrackAnalysis(ctx.db, trackId);
  let active: ActiveModel[] = [];
  try {
    active = currentModels(ctx);
  } catch {
    active = [];
  }
  const rank = (kind: string, version: string): number => {
    const i = active.findIndex((m) => m.kind === kind && m.version === version);
    return i >= 0 ? i : active.length + (kindNamesByPreference as readonly string[]).indexOf(kind);
  };
  const stored = readTrackPredictions(ctx.db, trackId).sort((a, b) => rank(a.kind, a.version) - rank(b.kind, b.version));
  const models: ModelTrackPrediction[] = stored.map((p) => {
    const k = p.labels.length;
    const order = [...p.labels.keys()].sort((a, b) => p.probabilities[b] - p.probabilities[a] || a - b);
    return {
      kind: p.kind as ModelKindName,
      version: p.version,
      active: active.some((m) => m.kind === p.kind && m.version === p.version),
      labels: p.labels,
      probabilities: Array.from(p.probabilities),
      top: p.labels[order[0]],
      confidence: p.probabilities[order[0]],
      runnerUp: k > 1 ? p.labels[order[1]] : null,
      runnerUpConfidence: k > 1 ? p.probabilities[order[1]] : null,
      segmentSeconds: p.segmentSeconds,
      segmentStarts: Array.from(p.segmentStarts),
      segmentProbabilities: Array.from({ length: p.segmentStarts.length }, (_, i) => Array.from(p.segmentProbabilities.subarray(i * k, i * k + k))),
      predictedAt: p.predictedAt,
      current: p.contentVersion === track.content_version,
    };
  });
  const primary = stored[0];
  const duration = analysis?.durationS ?? track.duration_s ?? 0;
  return {
    trackId,
    analysis: analysis && {
      status: analysis.status,
      error: analysis.error,
      durationS: analysis.durationS,
      segmentCount: analysis.segmentCount,
      engineVersion: analysis.engineVersion,
      analyzedAt: analysis.analyzedAt,
      current: analysis.contentVersion === track.content_version,
    },
    models,
    timelineModel: primary ? (primary.kind as ModelKindName) : null,
    timeline: primary ? genreTimeline(primary.segmentStarts, primary.segmentSeconds, primary.segmentProbabilities, primary.labels, duration) : [],
  };
}

export function predictedGenres(ctx: AppContext, filter: { folder?: string; minConfidence?: number }): GenreCount[] {
  return predictedGenreCounts(ctx.db, filter);
}

export function predictionsHandlers(ctx: AppContext): HandlerSet<'predictions.'> {
  return {
    'predictions.classify': (input) => ({ jobId: startClassification(ctx, input)?.id ?? null }),
    'predictions.cancel': () => cancelClassification(ctx),
    'predictions.status': () => classificationStatus(ctx),
    'predictions.track': ({ id }) => trackPredictions(ctx, id),
    'predictions.genres': (filter) => predictedGenres(ctx, filter),
  };
}
