import type { ClassifySummary } from '../../shared/api/predictions.ts';
import { coalesced } from '../../shared/coalesced.ts';
import type { ActiveModel } from '../core/classify/active-models.ts';
import { runClassification } from '../core/classify/run-classification.ts';
import { openDatabase } from '../core/db/database.ts';
import type { ModelKind } from '../core/models/store/model-kinds.ts';
import { join } from 'node:path';
import { computeProbeModel } from '../core/classify/compute-probe-model.ts';
import { cachedComputeDevice, computePreference } from '../core/models/runtime/compute-device.ts';
import type { ComputePreference } from '../core/models/runtime/compute-device.ts';
import type { ClassifierPool } from '../core/classify/run-classification.ts';
import { openClassifierPool, poolSizing } from './classify-pool.ts';
import type { JobDefinition } from './run-job-on-port.ts';

export interface ClassifyPayload {
  rootIds?: number[];
  trackIds?: number[];
  force?: boolean;
  /** Only these model kinds (default: every active one). */
  kinds?: ModelKind[];
  /**
   * The active models as the starter read them (its model store is already open): this thread then never loads
   * the store and its manifest schema (zod), which its start would wait for. Read from the store when absent.
   */
  models?: ActiveModel[];
  /** Most analysis workers (default: one per two cores, classify-pool.ts). */
  workers?: number;
  engineVersion: string;
  /** Store (and announce) every track as soon as it is done instead of in batches: `classify` prints each one. */
  commitEachTrack?: boolean;
  /** Where the segment models may run (default: GENRE_TAGGER_COMPUTE, else auto). */
  compute?: ComputePreference;
}

async function storedModels(dataDir: string, kinds: ModelKind[] | undefined): Promise<ActiveModel[]> {
  const [{ activeModels }, { ModelStore }, { shippedModelsDir, userModelsDir }] = await Promise.all([
    import('../core/classify/active-models.ts'),
    import('../core/models/store/model-store.ts'),
    import('../core/models/store/shipped-models-dir.ts'),
  ]);
  return activeModels(new ModelStore({ userDir: userModelsDir(dataDir), shippedDir: shippedModelsDir() }), kinds);
}

/**
 * The pool kept open after a job when this thread is kept for the next classification (data.keep): the next job
 * with the same models and compute device, and a pool size it fits, starts with its workers' models open, their
 * code compiled and their memory in place, instead of paying that start-up again.
 */
let kept: { key: string; pool: ClassifierPool } | null = null;

async function closeKept(): Promise<void> {
  const pool = kept?.pool;
  kept = null;
  await pool?.close();
}

/**
 * The classification job: its thread (classify.worker.ts, or the CLI's own) finds the tracks to do and is the one
 * database writer; a pool of classify-track workers decodes, analyses and runs the models.
 */
export const classifyJob: JobDefinition<ClassifyPayload, ClassifySummary> = {
  release: closeKept,
  run: async ({ data, signal, progress, libraryChanged, tracksStored }) => {
    const p = data.payload;
    const models = p.models ? p.models.filter((m) => !p.kinds || p.kinds.includes(m.kind)) : await storedModels(data.dataDir, p.kinds);
    if (models.length === 0) throw new Error('No genre model is installed, so tracks cannot be classified (npm run train:defaults makes the defaults).');
    const sizing = poolSizing(p.workers);
    const db = openDatabase(data.dbPath, { migrate: false });
    // The views reload at most once a second while results are stored, and never miss the last commit of a burst.
    const announce = coalesced(() => libraryChanged('predictions'), 1000);
    try {
      const summary = await runClassification(db, {
        models,
        engineVersion: p.engineVersion,
        rootIds: p.rootIds,
        trackIds: p.trackIds,
        force: p.force,
        workers: sizing.lanes,
        openPool: async (size, first) => {
          // Where the CNN and MLFI run: a GPU when one works and beats the CPU (probed once, remembered), else the CPU.
          const device = await cachedComputeDevice(join(data.dataDir, 'compute-device.json'), p.compute ?? computePreference(), computeProbeModel(models));
          const executionProviders = device.provider === 'cpu' ? ['cpu'] : [device.provider, 'cpu'];
          // A GPU runs a batch of 64 segments little slower than one of 8 (bench:gpu): send it larger batches.
          const batchSize = device.provider === 'cpu' ? undefined : 32;
          const key = JSON.stringify({ models: models.map((m) => [m.kind, m.version, m.dir]), executionProviders, batchSize });
          // A kept pool serves a job with fewer tracks than it takes at once (one new file) but not one asked to use
          // fewer workers than it has, nor one that could use more.
          const fitting = kept?.key === key && kept.pool.size >= size && kept.pool.size <= sizing.lanes ? kept.pool : null;
          if (!fitting) {
            await closeKept();
            // a job of few tracks spreads them over the analysis workers before any takes a second one
            const opened = await openClassifierPool(models, Math.min(sizing.analysisWorkers, size), { executionProviders, batchSize, decodeAhead: [first] });
            const pool = Object.assign(opened, { device });
            if (!data.keep) return pool;
            kept = { key, pool };
            return keptPool(pool, false, signal);
          }
          return keptPool(fitting, true, signal);
        },
        signal,
        progress: (done, total, current, message) => progress(done, total, current, message),
        // Each track is committed as it finishes when someone prints them (the CLI); else in batches (fewer commits).
        batchSize: p.commitEachTrack ? 1 : undefined,
        committed: (trackIds) => {
          tracksStored(trackIds);
          announce.trigger();
        },
      });
      return summary;
    } catch (error) {
      // a job that failed does not leave its pool to the next one
      await closeKept();
      throw error;
    } finally {
      announce.cancel();
      libraryChanged('predictions');
      db.close();
    }
  },
};

/** The kept pool as one job sees it: closing it keeps it open for the next job, unless this job was cancelled. */
function keptPool(pool: ClassifierPool, reused: boolean, signal: AbortSignal): ClassifierPool {
  return {
    size: pool.size,
    workers: pool.workers,
    device: pool.device,
    reused,
    classify: (path, fileSignal, onProgress) => pool.classify(path, fileSignal, onProgress),
    prepare: (path) => pool.prepare?.(path),
    close: async () => {
      // a cancel stopped its files midway: the next job starts afresh
      if (signal.aborted) await closeKept();
    },
  };
}
