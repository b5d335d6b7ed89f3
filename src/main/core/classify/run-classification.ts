import type { ClassifySummary, ModelKindName } from '../../../shared/api/predictions.ts';
import { ClassifyClaims } from '../db/classify-claims.ts';
import type { ClassifyScope, TrackToClassify } from '../db/classify-queue.ts';
import { tracksToClassify } from '../db/classify-queue.ts';
import type { Database } from '../db/database.ts';
import type { AnalysisOutcome } from '../db/prediction-writer.ts';
import { PredictionWriter } from '../db/prediction-writer.ts';
import type { ComputeDevice } from '../models/runtime/compute-device.ts';
import { refreshPersonalPredictions } from '../personal/refresh-personal-predictions.ts';
import type { ActiveModel } from './active-models.ts';
import type { FailureReason } from './failure-reason.ts';
import type { TrackClassification } from './track-classifier.ts';

/** What one pooled analysis gave back. */
export type PoolOutcome = { status: 'ok'; result: TrackClassification } | { status: 'error'; reason: FailureReason; elapsedMs: number };

/** Runs track classifications in parallel (worker threads in the app; anything with this shape in a benchmark). */
export interface ClassifierPool {
  /** Files it classifies at once. */
  readonly size: number;
  /** Threads that analyse them, as the job reports it (default: size). */
  readonly workers?: number;
  /** Where its segment models run (compute-device.ts); the CPU when not said. */
  readonly device?: ComputeDevice;
  /** Its workers were kept from the job before, models open (no start-up paid this time). */
  readonly reused?: boolean;
  /** Classifies one file; `onProgress` gets the fraction of it done (0..1) when the length is known. */
  classify(path: string, signal: AbortSignal, onProgress?: (fraction: number) => void): Promise<PoolOutcome>;
  /** It will be asked for this file next: it may start decoding it now. */
  prepare?(path: string): void;
  close(): Promise<void>;
}

export interface RunClassificationOptions {
  models: readonly ActiveModel[];
  engineVersion: string;
  rootIds?: readonly number[];
  trackIds?: readonly number[];
  force?: boolean;
  /** Most parallel analyses (the pool opened is never larger than the number of tracks). */
  workers: number;
  /** Opens a pool for `size` files at once; `first` is the file it will be given first (it may start decoding it). */
  openPool: (size: number, first: string) => Promise<ClassifierPool>;
  signal?: AbortSignal;
  /** done counts finished tracks plus the fractions of those in progress. */
  progress?: (done: number, total: number, current: string | null, message: string) => void;
  /** Called after each committed batch with its tracks (the UI refreshes the table; the CLI prints them). */
  committed?: (trackIds: number[]) => void;
  /** Results per transaction, and the longest a finished result waits for its transaction. */
  batchSize?: number;
  flushMs?: number;
}

/**
 * The classification job: finds the tracks that need listening to, runs them through a pool of classifiers,
 * and stores results as they come in batched transactions by this one writer. Each track is claimed just before
 * it is listened to, so a classification of the same library in another process shares the work instead of
 * repeating it (classify-claims.ts). A file that cannot be decoded is recorded with its reason (and listed as
 * unreadable) and the job goes on; a cancel stops the pool (ffmpeg is killed), commits what finished and
 * returns; a missing ffmpeg ends the job with its message.
 */
export async function runClassification(db: Database, options: RunClassificationOptions): Promise<ClassifySummary> {
  const started = performance.now();
  const models = options.models.map((m) => ({ kind: m.kind as ModelKindName, version: m.version }));
  const summary: ClassifySummary = {
    total: 0, classified: 0, unreadable: 0, failed: 0, skipped: 0, elsewhere: 0, cancelled: false, elapsedMs: 0,
    workers: 0, audioSeconds: 0, segments: 0, models, compute: null,
  };
  const scope: ClassifyScope = {
    models, engineVersion: options.engineVersion, rootIds: options.rootIds, trackIds: options.trackIds, force: options.force,
  };
  // Another process classifying this library meanwhile takes the tracks this job has not come to yet, and this one
  // theirs: each track is claimed just before it is listened to (classify-claims.ts).
  const claims = new ClassifyClaims(db, scope);
  claims.dropLeftOver();
  const todo: TrackToClassify[] = tracksToClassify(db, scope);
  summary.total = todo.length;
  const finish = (): ClassifySummary => {
    summary.cancelled = options.signal?.aborted ?? false;
    summary.elapsedMs = Math.round(performance.now() - started);
    return summary;
  };
  if (todo.length === 0 || options.signal?.aborted) return finish();

  // The first track is claimed before any worker starts: when other processes hold or have done every track (two
  // commands started at the same instant), this job starts none.
  let next = 0;
  let first: TrackToClassify | null = null;
  while (first === null && next < todo.length) {
    const work = todo[next++];
    if (claims.claim(work.trackId) === 'claimed') first = work;
    else summary.elsewhere++;
  }
  if (first === null) return finish();
  const renewing = setInterval(() => {
    try {
      claims.renew();
    } catch {
      // the library was busy: the next renewal comes long before the claims expire
    }
  }, claims.renewEveryMs);
  let pool: ClassifierPool;
  try {
    pool = await options.openPool(Math.max(1, Math.min(options.workers, todo.length - next + 1)), first.path);
  } catch (error) {
    clearInterval(renewing);
    claims.releaseAll();
    throw error;
  }

  const writer = new PredictionWriter(db, {
    engineVersion: options.engineVersion,
    models: options.models.map((m) => ({ kind: m.kind, version: m.version, architecture: m.manifest.architecture, labels: m.manifest.labels })),
    refreshPersonalPredictions,
  });
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  let fatal: string | null = null;

  // a kept pool may have more workers than this job has tracks
  const lanes = Math.min(pool.size, todo.length - next + 1);
  summary.workers = Math.min(lanes, pool.workers ?? lanes);
  summary.workersReused = pool.reused ?? false;
  summary.compute = pool.device ? { label: pool.device.label, reason: pool.device.reason } : { label: 'CPU', reason: 'the CPU' };
  const kinds = models.map((m) => m.kind).join(', ');
  const message = `Listening and classifying (${summary.workers} worker${summary.workers === 1 ? '' : 's'}, models on the ${summary.compute.label}; ${kinds})`;
  let pending: AnalysisOutcome[] = [];
  let lastFlush = performance.now();
  let flushTimer: ReturnType<typeof setTimeout> | null = null;
  const flush = (): void => {
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = null;
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    lastFlush = performance.now();
    const { gone } = writer.write(batch);
    claims.release(batch.map((o) => o.trackId));
    summary.skipped += gone;
    options.committed?.(batch.map((o) => o.trackId));
  };
  const batchSize = options.batchSize ?? 16;
  const flushMs = options.flushMs ?? 1500;
  /**
   * A finished result is stored within flushMs: at once when the batch is full or the last transaction is that old,
   * else by a timer. (Checked only when a track finished, a short track's result waited for the next one, a minute
   * or more behind a long mix, unseen in the library though the progress counted it.)
   */
  const finished = (): void => {
    if (pending.length >= batchSize || performance.now() - lastFlush >= flushMs) flush();
    else flushTimer ??= setTimeout(flush, flushMs - (performance.now() - lastFlush));
  };
  let done = summary.elsewhere;
  const partial = new Map<number, number>();
  let current: string | null = null;
  const report = (): void => {
    let fraction = 0;
    for (const f of partial.values()) fraction += f;
    options.progress?.(done + Math.min(fraction, partial.size * 0.999), todo.length, current, message);
  };

  /** The next track nobody else has claimed, claimed now; undefined when none is left. */
  const claimNext = (): TrackToClassify | undefined => {
    while (next < todo.length) {
      const candidate = todo[next++];
      if (claims.claim(candidate.trackId) === 'claimed') return candidate;
      summary.elsewhere++;
      done++;
      report();
    }
    return undefined;
  };
  /** Tracks claimed for the lanes before a lane is free for them, so that their decoding can start early. */
  const claimedAhead: TrackToClassify[] = [first];
  /** Listens to the tracks claimed ahead, then claims and listens to the next track until none is left. */
  const lane = async (): Promise<void> => {
    while (!signal.aborted) {
      const work = claimedAhead.shift() ?? claimNext();
      if (!work) break;
      // the next track's decoding starts now, so that its analysis does not wait for ffmpeg's start
      if (pool.prepare) {
        const ahead = claimNext();
        if (ahead) {
          claimedAhead.push(ahead);
          pool.prepare(ahead.path);
        }
      }
      current = work.path;
      partial.set(work.trackId, 0);
      report();
      const outcome = await pool.classify(work.path, signal, (f) => {
        partial.set(work.trackId, Math.max(0, Math.min(1, f)));
        report();
      });
      partial.delete(work.trackId);
      if (outcome.status === 'ok') {
        const r = outcome.result;
        pending.push({
          trackId: work.trackId, contentVersion: work.contentVersion, elapsedMs: r.elapsedMs, status: 'ok',
          durationSeconds: r.durationSeconds, segmentCount: r.segmentCount, clip: r.clip, predictions: r.predictions,
          embedding: r.embedding,
          warning: r.warning,
        });
        summary.classified++;
        summary.audioSeconds += r.durationSeconds;
        summary.segments += r.segmentCount;
      } else {
        const { reason } = outcome;
        if (reason.action === 'stop') {
          if (!options.signal?.aborted && reason.code !== 'cancelled' && fatal === null) {
            fatal = reason.message;
            stop.abort();
          }
          continue;
        }
        if (reason.action === 'skip') {
          // the file vanished meanwhile: say so against the track (the next scan marks it missing), and count it
          summary.skipped++;
          pending.push({
            trackId: work.trackId, contentVersion: work.contentVersion, elapsedMs: outcome.elapsedMs, status: 'error',
            code: reason.code, message: reason.message, unreadable: false, retry: true,
          });
        } else {
          pending.push({
            trackId: work.trackId, contentVersion: work.contentVersion, elapsedMs: outcome.elapsedMs, status: 'error',
            code: reason.code, message: reason.message, unreadable: reason.action === 'unreadable',
          });
          if (reason.action === 'unreadable') summary.unreadable++;
          else summary.failed++;
        }
      }
      done++;
      finished();
      report();
    }
  };
  try {
    await Promise.all(Array.from({ length: lanes }, () => lane()));
  } finally {
    clearInterval(renewing);
    flush();
    claims.releaseAll();
    await pool.close();
  }
  if (fatal) throw new Error(fatal);
  return finish();
}
