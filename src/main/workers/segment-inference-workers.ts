import { MessageChannel, Worker } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { endWorker } from './end-worker.ts';
import { takePrestartedInferenceWorker } from './classify-worker-prestart.ts';
import type { FromSegmentInferenceWorker, SegmentInferenceWorkerData, ToSegmentInferenceWorker } from './segment-inference.worker.ts';
import { workerUrl } from './worker-url.ts';

/** The threads that run a classification pool's segment models (segment-inference.worker.ts), shared by its analysis workers. */
export interface SegmentInferenceWorkers {
  /**
   * Resolves once every one has its models open, or once one cannot (`broken` then says why). The analysis workers
   * need not wait for it: their batches wait in their ports until the models are open.
   */
  readonly settled: Promise<void>;
  /** A port for one more analysis worker (transfer it): its batches run on the next inference worker in turn. */
  connect(): MessagePort;
  /** Why they cannot answer (one could not open its models, or stopped), else null. */
  readonly broken: string | null;
  /** `broken` as soon as it is known, or null if it is not within `ms`. */
  brokenWithin(ms: number): Promise<string | null>;
  close(): Promise<void>;
}

/** Starts a segment-inference worker with its models (a prestarted one is told them instead). */
function startSegmentInferenceWorker(data: SegmentInferenceWorkerData): Worker {
  const prestarted = takePrestartedInferenceWorker();
  if (prestarted) {
    prestarted.postMessage({ type: 'configure', data } satisfies ToSegmentInferenceWorker);
    return prestarted;
  }
  return new Worker(workerUrl('segment-inference'), { workerData: data });
}

/** Starts `count` segment-inference workers, each of which opens `data.models` (the pool's segment models). */
export function startSegmentInferenceWorkers(count: number, data: SegmentInferenceWorkerData, onStarted?: (worker: Worker) => void): SegmentInferenceWorkers {
  const workers: Worker[] = [];
  let broken: string | null = null;
  let closing = false;
  const brokenNow: (() => void)[] = [];
  const breaks = (why: string): void => {
    broken ??= why;
    for (const tell of brokenNow.splice(0)) tell();
  };
  const readies: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const worker = startSegmentInferenceWorker(data);
    workers.push(worker);
    onStarted?.(worker);
    readies.push(
      new Promise<void>((resolve, reject) => {
        worker.on('message', (m: FromSegmentInferenceWorker) => {
          if (m.type === 'ready') resolve();
          else if (m.type === 'fatal') {
            breaks(m.message);
            reject(new Error(m.message));
          }
        });
        worker.on('error', (error) => {
          breaks(`the thread running the segment models failed: ${error.message}`);
          reject(error);
        });
        worker.on('exit', (code) => {
          if (!closing) breaks(`the thread running the segment models exited with code ${code}`);
          reject(new Error(broken ?? 'the thread running the segment models ended'));
        });
      }),
    );
  }
  const settled = Promise.all(readies).then(
    () => undefined,
    () => undefined,
  );
  let next = 0;
  return {
    settled,
    get broken() {
      return broken;
    },
    brokenWithin(ms) {
      if (broken) return Promise.resolve(broken);
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(broken), ms);
        brokenNow.push(() => {
          clearTimeout(timer);
          resolve(broken);
        });
      });
    },
    connect() {
      const { port1, port2 } = new MessageChannel();
      workers[next++ % workers.length].postMessage({ type: 'connect', port: port2 } satisfies ToSegmentInferenceWorker, [port2]);
      return port1;
    },
    async close() {
      closing = true;
      await Promise.all(workers.map((w) => endWorker(w, { type: 'close' } satisfies ToSegmentInferenceWorker)));
    },
  };
}
