import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { ANALYSIS_SAMPLE_RATE, ffmpegDecodeArgs } from '../core/audio/decode-audio.ts';
import { knownFfmpegLocation } from '../core/audio/locate-ffmpeg.ts';
import { openSharedFfmpegReader } from '../core/audio/shared-ffmpeg-reader.ts';
import type { ActiveModel } from '../core/classify/active-models.ts';
import type { ClassifierPool, PoolOutcome } from '../core/classify/run-classification.ts';
import type { ClassifyTrackWorkerData, ConfigureClassifyTrackWorker, FromClassifyTrackWorker, ToClassifyTrackWorker } from './classify-track.worker.ts';
import { startClassifyTrackWorker, takePrestartedClassifyWorker } from './classify-worker-prestart.ts';
import { endTogether } from './end-together.ts';
import { endWorker } from './end-worker.ts';
import { SEGMENT_MODELS_GONE } from '../core/models/inference/remote-segment-classifier.ts';
import { modelKind } from '../core/models/kinds/registry.ts';
import { startSegmentInferenceWorkers } from './segment-inference-workers.ts';
import { createWorkerPool } from './worker-pool.ts';
import { WorkerStoppedError } from './worker-stopped-error.ts';

/**
 * Tracks an analysis worker holds at a time: the one it analyses and the next, whose analysis starts as soon as the
 * first one's is done, while the first one's last batches still run in the inference worker.
 */
export const TRACKS_PER_ANALYSIS_WORKER = 2;

/**
 * Segments per inference call on the CPU. Each batch is a message to the inference worker and back, and each
 * message wakes a thread: with 2 a batch, a 4-minute track took 0.13 s more CPU than with 8. But a batch's
 * activations are memory that onnxruntime's first runs of each batch size fault in once per inference worker (with
 * 8, 20,000 page faults more per run than with 2). 4 is between them.
 */
const CPU_BATCH = 4;

export interface PoolSizing {
  /** Threads that decode (through ffmpeg) and analyse tracks (classify-track.worker.ts). */
  analysisWorkers: number;
  /** Threads that run the segment models for them (segment-inference.worker.ts), one onnxruntime thread each. */
  inferenceWorkers: number;
  /** Tracks in progress at once: what the job's lanes are. */
  lanes: number;
}

/**
 * A pool sized to the machine: `wanted` analysis workers (at most one per core), by default one per two cores, and
 * inference workers for about 0.6 of them. Per 4-minute track the analysis takes about 0.55 s of CPU, the segment models 0.3 s and ffmpeg 0.35 s
 * (2-core benchmark machine), so on two cores one of each keeps both busy with ffmpeg beside them; each more thread
 * would start its own copy of the engine's compiled code, memory and models, which is most of a run's fixed cost.
 * A GPU is driven by one inference worker.
 */
export function poolSizing(wanted: number | undefined, cores = availableParallelism(), gpu = false): PoolSizing {
  const analysisWorkers = Math.max(1, Math.min(wanted ?? Math.round(cores / 2), cores));
  const inferenceWorkers = gpu ? 1 : Math.max(1, Math.round(analysisWorkers * 0.6));
  return { analysisWorkers, inferenceWorkers, lanes: analysisWorkers * TRACKS_PER_ANALYSIS_WORKER };
}

export interface ClassifierPoolOptions {
  /** Segment-inference workers (default: poolSizing's for the analysis workers). */
  inferenceWorkers?: number;
  /** Segments per inference call (default 4 on the CPU). */
  batchSize?: number;
  /** onnxruntime execution providers of the segment models, in order (default: the CPU). */
  executionProviders?: string[];
  /** Told of every analysis worker thread started (the first ones and replacements of stopped ones). */
  onWorkerStarted?: (worker: Worker) => void;
  /** Files the pool will be given first: their ffmpeg starts now, while the workers get ready. */
  decodeAhead?: readonly string[];
  /** Told of every segment-inference worker thread started. */
  onInferenceWorkerStarted?: (worker: Worker) => void;
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

/** What a file's outcome becomes once the segment models' thread has stopped: the job stops, nothing is recorded. */
function modelsStopped(why: string, started: number): PoolOutcome {
  return { status: 'error', reason: { code: 'analysis-failed', message: `Classification stopped: ${why}`, action: 'stop' }, elapsedMs: performance.now() - started };
}

/**
 * `analysisWorkers` analysis threads (classify-track.worker.ts), each taking TRACKS_PER_ANALYSIS_WORKER files at a
 * time; segment-inference threads that run the CNN and MLFI for them (segment-inference-workers.ts); and one ffmpeg
 * reader with its launcher process that they share. An analysis worker decodes and analyses a file and posts its
 * segments' batches to its inference worker as they are made, so the analysis never waits for a batch (onnxruntime
 * blocks the thread that runs it); it runs the SVM and the ensemble itself. All start at once; this resolves once one
 * analysis worker is ready (batches wait in their ports until the inference workers have their models open). `prepare` starts ffmpeg for a file the
 * pool will be given next, so that its analysis does not wait for ffmpeg's start. `classify` hands a file to an
 * analysis worker with room; a cancelled signal stops its analysis (ffmpeg is killed). An analysis worker that stops
 * in the middle of its files reports them as failed and is replaced for the next file; an inference worker that
 * cannot open its models, or stops, ends the job (`stop`), recording nothing against the files in progress.
 */
export async function openClassifierPool(models: readonly ActiveModel[], analysisWorkers: number, options: ClassifierPoolOptions = {}): Promise<ClassifierPool> {
  const cpu = (options.executionProviders ?? ['cpu']).every((p) => p === 'cpu');
  const data: ClassifyTrackWorkerData = {
    models: [...models],
    onnxThreads: 1,
    batchSize: options.batchSize ?? (cpu ? CPU_BATCH : undefined),
    executionProviders: options.executionProviders,
  };
  const inferenceWorkers = options.inferenceWorkers ?? poolSizing(analysisWorkers, undefined, !cpu).inferenceWorkers;
  // the inference workers get the segment models only: they open them without the registry of every kind
  const segmentModels = models.filter((m) => modelKind(m.kind).role === 'segment');
  const inferenceData = { models: segmentModels, onnxThreads: 1, executionProviders: options.executionProviders };
  const inference = startSegmentInferenceWorkers(inferenceWorkers, inferenceData, options.onInferenceWorkerStarted);
  // this thread (the job's) only stores results while the workers decode: it reads their ffmpeg output itself
  const reader = openSharedFfmpegReader({ inThisThread: true });
  const ffmpeg = knownFfmpegLocation() ?? undefined;
  const prepare = (path: string): void => {
    if (ffmpeg) reader.startAhead(ffmpeg.path, ffmpegDecodeArgs(path, ANALYSIS_SAMPLE_RATE));
  };
  for (const path of options.decodeAhead ?? []) prepare(path);
  const pool = createWorkerPool({
    size: analysisWorkers,
    tasksPerWorker: TRACKS_PER_ANALYSIS_WORKER,
    start: () => {
      const readerPort = reader.connect();
      const inferencePort = inference.connect();
      const ports = { readerPort, inferencePort };
      // the worker the command started before its scan (classify-worker-prestart.ts), told its models now
      const prestarted = takePrestartedClassifyWorker();
      if (prestarted) {
        prestarted.postMessage({ type: 'configure', data: { ...data, ...ports, ffmpeg } } satisfies ConfigureClassifyTrackWorker, [readerPort, inferencePort]);
        return prestarted;
      }
      return startClassifyTrackWorker({ ...data, ...ports } satisfies ClassifyTrackWorkerData, [readerPort, inferencePort]);
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
  const close = (): Promise<void> => endTogether(pool.close(), reader.close(), inference.close());
  try {
    // files start on the first analysis worker ready, the others join as they become ready; their batches wait for
    // the inference workers' models (one that cannot open them stops the job at its first file)
    await pool.fill('first');
  } catch (error) {
    await close();
    throw error;
  }

  let nextId = 1;
  return {
    size: analysisWorkers * TRACKS_PER_ANALYSIS_WORKER,
    workers: analysisWorkers,
    prepare,
    async classify(path, signal, onProgress) {
      let started = performance.now();
      let cancel: (() => void) | undefined;
      try {
        if (inference.broken) return modelsStopped(inference.broken, started);
        const outcome = await pool.run(
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
        if (outcome.status === 'ok') return outcome;
        // A file whose batches were lost with the segment models' thread is not the file's fault. Its port may close
        // before the inference worker's own word on why has come (its 'fatal', its exit): wait for that.
        await inference.settled;
        const why = inference.broken ?? (outcome.reason.message.includes(SEGMENT_MODELS_GONE) ? await inference.brokenWithin(2000) : null);
        return why ? modelsStopped(why, started) : outcome;
      } catch (error) {
        return crashed(error, started);
      } finally {
        if (cancel) signal.removeEventListener('abort', cancel);
      }
    },
    close,
  };
}
