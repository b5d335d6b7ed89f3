import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { knownFfmpegLocation } from '../core/audio/locate-ffmpeg.ts';
import { openSharedFfmpegReader } from '../core/audio/shared-ffmpeg-reader.ts';
import type { ActiveModel } from '../core/classify/active-models.ts';
import type { ClassifierPool, PoolOutcome } from '../core/classify/run-classification.ts';
import type { ClassifyTrackWorkerData, ConfigureClassifyTrackWorker, FromClassifyTrackWorker, ToClassifyTrackWorker } from './classify-track.worker.ts';
import { startClassifyTrackWorker, takePrestartedClassifyWorker } from './classify-worker-prestart.ts';
import { endTogether } from './end-together.ts';
import { endWorker } from './end-worker.ts';
import { createWorkerPool } from './worker-pool.ts';
import { WorkerStoppedError } from './worker-stopped-error.ts';

export interface PoolSizing {
  workers: number;
  /** onnxruntime intra-op threads per worker: workers x threads is about the number of cores. */
  onnxThreads: number;
}

/** A pool sized to the machine: one worker per core (at most `wanted`), onnxruntime threads sharing the cores. */
export function poolSizing(wanted: number, cores = availableParallelism()): PoolSizing {
  const workers = Math.max(1, Math.min(wanted, cores));
  return { workers, onnxThreads: Math.max(1, Math.floor(cores / workers)) };
}

export interface ClassifierPoolOptions {
  onnxThreads: number;
  batchSize?: number;
  /** onnxruntime execution providers of the segment models, in order (default: the CPU). */
  executionProviders?: string[];
  /** Told of every worker thread started (the first ones and replacements of stopped ones). */
  onWorkerStarted?: (worker: Worker) => void;
}

/** A classification that could not finish on its worker, as the job records it (the message leaves out the path). */
function crashed(error: unknown, started: number): PoolOutcome {
  const message =
    error instanceof WorkerStoppedError
      ? `the analysis worker stopped in the middle of this file (${error.why})`
      : error instanceof Error
        ? error.message
        : String(error);
  return { status: 'error', reason: { code: 'analysis-failed', message: `Analysis failed: ${message}`, action: 'failed' }, elapsedMs: performance.now() - started };
}

/**
 * `size` worker threads (classify-track.worker.ts), each holding the active models open, and one ffmpeg reader
 * thread (with its launcher process) that they share. All start at once; this resolves as soon as one worker has
 * its models open, and the others take files as they become ready. `classify` hands a file to an idle worker; a
 * cancelled signal stops its analysis (ffmpeg is killed). A worker that stops in the middle of a file reports that
 * file as failed and is replaced for the next file (its ffmpeg is killed when its port to the reader closes); the
 * other workers' files go on.
 */
export async function openClassifierPool(models: readonly ActiveModel[], size: number, options: ClassifierPoolOptions): Promise<ClassifierPool> {
  const data: ClassifyTrackWorkerData = { models: [...models], onnxThreads: options.onnxThreads, batchSize: options.batchSize, executionProviders: options.executionProviders };
  // this thread (the job's) only stores results while the workers decode: it reads their ffmpeg output itself
  const reader = openSharedFfmpegReader({ inThisThread: true });
  const pool = createWorkerPool({
    size,
    start: () => {
      const readerPort = reader.connect();
      // the worker the command started before its scan (classify-worker-prestart.ts), told its models now
      const prestarted = takePrestartedClassifyWorker();
      if (prestarted) {
        const ffmpeg = knownFfmpegLocation() ?? undefined;
        prestarted.postMessage({ type: 'configure', data: { ...data, readerPort, ffmpeg } } satisfies ConfigureClassifyTrackWorker, [readerPort]);
        return prestarted;
      }
      return startClassifyTrackWorker({ ...data, readerPort } satisfies ClassifyTrackWorkerData, [readerPort]);
    },
    // the worker opens the models, then says 'ready' (or 'fatal' with the reason it cannot)
    ready: (worker) =>
      new Promise<void>((resolve, reject) => {
        const onMessage = (m: FromClassifyTrackWorker): void => {
          if (m.type !== 'ready' && m.type !== 'fatal') return;
          worker.off('message', onMessage);
          if (m.type === 'ready') resolve();
          else reject(new Error(m.message));
        };
        worker.on('message', onMessage);
      }),
    end: (worker) => endWorker(worker, { type: 'close' } satisfies ToClassifyTrackWorker),
    onWorkerStarted: options.onWorkerStarted,
  });
  // nothing is read any more: the workers and the reader end side by side
  const close = (): Promise<void> => endTogether(pool.close(), reader.close());
  try {
    // files start on the first worker ready; the others join as they become ready (each opens the models)
    await pool.fill('first');
  } catch (error) {
    await close();
    throw error;
  }

  let nextId = 1;
  return {
    size,
    async classify(path, signal, onProgress) {
      let started = performance.now();
      let cancel: (() => void) | undefined;
      try {
        return await pool.run(
          `classifying ${path}`,
          (worker) =>
            new Promise<PoolOutcome>((resolve) => {
              const id = nextId++;
              started = performance.now();
              const onMessage = (m: FromClassifyTrackWorker): void => {
                if (m.type === 'progress' && m.id === id) onProgress?.(m.fraction);
                else if (m.type === 'done' && m.id === id) {
                  worker.off('message', onMessage);
                  resolve(m.outcome);
                }
              };
              worker.on('message', onMessage);
              cancel = () => worker.postMessage({ type: 'cancel', id } satisfies ToClassifyTrackWorker);
              signal.addEventListener('abort', cancel, { once: true });
              worker.postMessage({ type: 'classify', id, path } satisfies ToClassifyTrackWorker);
              if (signal.aborted) cancel();
            }),
        );
      } catch (error) {
        return crashed(error, started);
      } finally {
        if (cancel) signal.removeEventListener('abort', cancel);
      }
    },
    close,
  };
}
