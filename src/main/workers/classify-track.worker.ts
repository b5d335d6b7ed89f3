import { parentPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import type { ActiveModel } from '../core/classify/active-models.ts';
import { failureReason } from '../core/classify/failure-reason.ts';
import type { PoolOutcome } from '../core/classify/run-classification.ts';
import { openTrackClassifier } from '../core/classify/track-classifier.ts';
import { prepareAnalysis } from '../core/features/prepare-analysis.ts';
import { closeFfmpegReader, prepareFfmpegReader, useFfmpegReaderPort } from '../core/audio/ffmpeg-reader.ts';
import { adoptFfmpegLocation, locateFfmpegAsync } from '../core/audio/locate-ffmpeg.ts';
import type { FfmpegLocation } from '../core/audio/locate-ffmpeg.ts';
import { RemoteSegmentModels } from '../core/models/inference/remote-segment-classifier.ts';

/** Set up by the pool (workers/classify-pool.ts). */
export interface ClassifyTrackWorkerData {
  models: ActiveModel[];
  onnxThreads: number;
  batchSize?: number;
  executionProviders?: string[];
  /** A port to the ffmpeg reader the pool's workers share (core/audio/shared-ffmpeg-reader.ts); else its own. */
  readerPort?: MessagePort;
  /** Where the pool's thread found ffmpeg, for a worker started before it had (a thread started after inherits it). */
  ffmpeg?: FfmpegLocation;
  /** A port to the thread that runs the segment models (segment-inference.worker.ts); else they run here. */
  inferencePort?: MessagePort;
}

/**
 * The models and the reader's port for a worker started before its job knew them (classify-worker-prestart.ts,
 * whose workerData is { prestarted: true }): its first message.
 */
export type ConfigureClassifyTrackWorker = { type: 'configure'; data: ClassifyTrackWorkerData };

export type ToClassifyTrackWorker = { type: 'classify'; id: number; path: string } | { type: 'cancel'; id: number } | { type: 'close' };
export type FromClassifyTrackWorker =
  | { type: 'ready' }
  | { type: 'fatal'; message: string }
  | { type: 'progress'; id: number; fraction: number }
  | { type: 'done'; id: number; outcome: PoolOutcome };

// One member of the classification pool: opens the active models once and classifies the files it is sent,
// one at a time (decode -> features and segments -> every model), off the job's writer thread.
const port = parentPort!;
const send = (m: FromClassifyTrackWorker): void => port.postMessage(m);
const running = new Map<number, AbortController>();
const inFlight = new Set<Promise<void>>();
/** Handles the pool's messages once the models are open; null before. */
let handler: ((m: ToClassifyTrackWorker) => void) | null = null;
/**
 * A prestarted worker's messages that came after its models were named but before `handler` (a close while the
 * models open): its early listener has started the port, which would otherwise have kept them for `handler`.
 */
const beforeHandler: ToClassifyTrackWorker[] = [];

/**
 * This worker's models and ports: its workerData, or for a prestarted worker its first message, which it waits for
 * with its modules loaded (they are this file's imports).
 */
async function workerSetup(): Promise<ClassifyTrackWorkerData> {
  if (!(workerData as { prestarted?: boolean }).prestarted) return workerData as ClassifyTrackWorkerData;
  // The listener stays (it ignores the later messages): a port with none would no longer hold the thread open.
  // Unused, the worker is asked to close, and ends here, between calls into onnxruntime: a thread terminated in the
  // middle of one aborted the whole process ("terminate called after throwing an instance of 'Napi::Error'").
  let configuredYet = false;
  const configured = new Promise<ClassifyTrackWorkerData>((resolve) =>
    port.on('message', (m: ConfigureClassifyTrackWorker | ToClassifyTrackWorker) => {
      if (m.type === 'configure') {
        configuredYet = true;
        resolve(m.data);
      } else if (!configuredYet) {
        if (m.type === 'close') process.exit(0);
      } else if (!handler) beforeHandler.push(m);
    }),
  );
  // meanwhile, what its first analysis would pay on its way (the engine's memory, tables and FFTs)
  prepareAnalysis();
  return configured;
}

try {
  const data = await workerSetup();
  if (data.ffmpeg) adoptFfmpegLocation(data.ffmpeg);
  // While the models load: start the reader thread and its launcher process unless the pool gave a port to the
  // ones its workers share (else the first track waits for each in turn, about half a second from source), and find
  // ffmpeg (known already when the thread that started the job had found it: locate-ffmpeg.ts).
  const ffmpegFound = locateFfmpegAsync();
  if (data.readerPort) useFfmpegReaderPort(data.readerPort);
  prepareFfmpegReader();
  const remote = data.inferencePort ? new RemoteSegmentModels(data.inferencePort) : undefined;
  const classifier = await openTrackClassifier(data.models, {
    onnxThreads: data.onnxThreads,
    batchSize: data.batchSize,
    executionProviders: data.executionProviders,
    remote,
  });
  await ffmpegFound;
  handler = (m: ToClassifyTrackWorker) => {
    if (m.type === 'close') {
      // the pool is done: stop what still runs, release the models and end ffmpeg's launcher, then let the thread end
      for (const c of running.values()) c.abort();
      void Promise.allSettled(inFlight)
        .then(() => classifier.close())
        .catch(() => undefined)
        .then(() => remote?.close())
        .then(() => closeFfmpegReader())
        .finally(() => port.close());
      return;
    }
    if (m.type === 'cancel') {
      running.get(m.id)?.abort();
      return;
    }
    const controller = new AbortController();
    running.set(m.id, controller);
    const started = performance.now();
    const task = classifier
      .classify(m.path, {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.totalSeconds) send({ type: 'progress', id: m.id, fraction: p.seconds / p.totalSeconds });
        },
      })
      .then(
        (result) => send({ type: 'done', id: m.id, outcome: { status: 'ok', result } }),
        (error: unknown) =>
          send({ type: 'done', id: m.id, outcome: { status: 'error', reason: failureReason(error, m.path), elapsedMs: performance.now() - started } }),
      )
      .finally(() => {
        running.delete(m.id);
        inFlight.delete(task);
      });
    inFlight.add(task);
  };
  port.on('message', handler);
  for (const m of beforeHandler.splice(0)) handler(m);
  send({ type: 'ready' });
} catch (error) {
  send({ type: 'fatal', message: error instanceof Error ? error.message : String(error) });
}
