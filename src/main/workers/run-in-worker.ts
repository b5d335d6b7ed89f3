import { parentPort, workerData } from 'node:worker_threads';
import { closeFfmpegReader } from '../core/audio/ffmpeg-reader.ts';
import { setShippedModelsDir } from '../core/models/store/shipped-models-dir.ts';
import type { FromWorker, JobWorkerData, ToWorker } from './worker-protocol.ts';

export interface WorkerJobContext<P> {
  data: JobWorkerData<P>;
  signal: AbortSignal;
  /** Throttled to about ten messages a second, except the last one. */
  progress(done: number, total: number | null, current?: string | null, message?: string | null): void;
  libraryChanged(reason: 'scan' | 'roots' | 'tags' | 'predictions' | 'labels'): void;
  /** Tracks whose results this job has just stored (the job manager emits them as 'classify.tracks'). */
  tracksStored(trackIds: number[]): void;
}

/**
 * The body of every job worker: wires cancel messages to an AbortSignal, throttles progress, and reports the
 * result or the error to the JobManager.
 */
export function runInWorker<P, R>(job: (ctx: WorkerJobContext<P>) => Promise<R> | R): void {
  const port = parentPort;
  if (!port) throw new Error('runInWorker must be called in a worker thread');
  const data = workerData as JobWorkerData<P>;
  if (data.locations.shippedModelsDir) setShippedModelsDir(data.locations.shippedModelsDir);
  const controller = new AbortController();
  port.on('message', (m: ToWorker) => {
    if (m.type === 'cancel') controller.abort();
  });
  const send = (m: FromWorker): void => port.postMessage(m);
  let last = 0;
  const ctx: WorkerJobContext<P> = {
    data,
    signal: controller.signal,
    progress(done, total, current = null, message = null) {
      const now = performance.now();
      if (now - last < 100 && total !== null && done < total) return;
      last = now;
      send({ type: 'progress', done, total, current, message });
    },
    libraryChanged(reason) {
      send({ type: 'event', name: 'library.changed', reason });
    },
    tracksStored(trackIds) {
      if (trackIds.length > 0) send({ type: 'tracks', trackIds });
    },
  };
  Promise.resolve()
    .then(() => job(ctx))
    .then(
      (result) => send({ type: 'result', result }),
      (error: unknown) => send({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
    )
    // ffmpeg's launcher process ends with the reader of this thread, not as a zombie of a terminated one
    .finally(() => closeFfmpegReader().finally(() => port.close()));
}
