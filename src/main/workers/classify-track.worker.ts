import { parentPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import type { ActiveModel } from '../core/classify/active-models.ts';
import { failureReason } from '../core/classify/failure-reason.ts';
import type { PoolOutcome } from '../core/classify/run-classification.ts';
import { openTrackClassifier } from '../core/classify/track-classifier.ts';
import { closeFfmpegReader, prepareFfmpegReader, useFfmpegReaderPort } from '../core/audio/ffmpeg-reader.ts';
import { locateFfmpegAsync } from '../core/audio/locate-ffmpeg.ts';

/** Set up by the pool (workers/classify-pool.ts). */
export interface ClassifyTrackWorkerData {
  models: ActiveModel[];
  onnxThreads: number;
  batchSize?: number;
  executionProviders?: string[];
  /** A port to the ffmpeg reader the pool's workers share (core/audio/shared-ffmpeg-reader.ts); else its own. */
  readerPort?: MessagePort;
}

export type ToClassifyTrackWorker = { type: 'classify'; id: number; path: string } | { type: 'cancel'; id: number } | { type: 'close' };
export type FromClassifyTrackWorker =
  | { type: 'ready' }
  | { type: 'fatal'; message: string }
  | { type: 'progress'; id: number; fraction: number }
  | { type: 'done'; id: number; outcome: PoolOutcome };

// One member of the classification pool: opens the active models once and classifies the files it is sent,
// one at a time (decode -> features and segments -> every model), off the job's writer thread.
const port = parentPort!;
const data = workerData as ClassifyTrackWorkerData;
const send = (m: FromClassifyTrackWorker): void => port.postMessage(m);
const running = new Map<number, AbortController>();
const inFlight = new Set<Promise<void>>();

try {
  // While the models load: start the reader thread and its launcher process unless the pool gave a port to the
  // ones its workers share (else the first track waits for each in turn, about half a second from source), and find
  // ffmpeg (known already when the thread that started the job had found it: locate-ffmpeg.ts).
  const ffmpegFound = locateFfmpegAsync();
  if (data.readerPort) useFfmpegReaderPort(data.readerPort);
  prepareFfmpegReader();
  const classifier = await openTrackClassifier(data.models, { onnxThreads: data.onnxThreads, batchSize: data.batchSize, executionProviders: data.executionProviders });
  await ffmpegFound;
  port.on('message', (m: ToClassifyTrackWorker) => {
    if (m.type === 'close') {
      // the pool is done: stop what still runs, release the models and end ffmpeg's launcher, then let the thread end
      for (const c of running.values()) c.abort();
      void Promise.allSettled(inFlight)
        .then(() => classifier.close())
        .catch(() => undefined)
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
  });
  send({ type: 'ready' });
} catch (error) {
  send({ type: 'fatal', message: error instanceof Error ? error.message : String(error) });
}
