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

export interface RunInWorkerOptions {
  /** Closes what a kept thread holds between jobs (data.keep), before the thread ends. */
  release?: () => Promise<void>;
}

/**
 * The body of every job worker: wires cancel messages to an AbortSignal, throttles progress, and reports the
 * result or the error to the JobManager. The thread ends after its job, or, when the job's data says `keep`, waits
 * for the JobManager's next job ('run') or its 'release'.
 */
export function runInWorker<P, R>(job: (ctx: WorkerJobContext<P>) => Promise<R> | R, options: RunInWorkerOptions = {}): void {
  const port = parentPort;
  if (!port) throw new Error('runInWorker must be called in a worker thread');
  const send = (m: FromWorker): void => port.postMessage(m);
  let controller = new AbortController();
  let ending: Promise<void> | null = null;
  // ffmpeg's launcher process ends with the reader of this thread, not as a zombie of a terminated one
  const end = (): Promise<void> =>
    (ending ??= Promise.resolve()
      .then(() => options.release?.())
      .catch(() => undefined)
      .finally(() => closeFfmpegReader().finally(() => port.close())));

  const run = (data: JobWorkerData<P>): void => {
    setShippedModelsDir(data.locations.shippedModelsDir);
    controller = new AbortController();
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
      .finally(() => {
        if (!data.keep) void end();
      });
  };

  port.on('message', (m: ToWorker) => {
    if (m.type === 'cancel') controller.abort();
    else if (m.type === 'run') run(m.data as JobWorkerData<P>);
    else void end();
  });
  run(workerData as JobWorkerData<P>);
}
