import type { MessagePort } from 'node:worker_threads';
import { closeFfmpegReader } from '../core/audio/ffmpeg-reader.ts';
import { setShippedModelsDir } from '../core/models/store/shipped-models-dir.ts';
import type { FromWorker, JobWorkerData, ToWorker } from './worker-protocol.ts';

export interface WorkerJobContext<P> {
  data: JobWorkerData<P>;
  signal: AbortSignal;
  /** Throttled to about ten messages a second, except the last one. */
  progress: (done: number, total: number | null, current?: string | null, message?: string | null) => void;
  libraryChanged: (reason: 'scan' | 'roots' | 'tags' | 'predictions' | 'labels') => void;
  /** Tracks whose results this job has just stored (the job manager emits them as 'classify.tracks'). */
  tracksStored: (trackIds: number[]) => void;
}

/** A job as its thread runs it: its body, and what closes what a kept thread holds between jobs. */
export interface JobDefinition<P, R> {
  run(ctx: WorkerJobContext<P>): Promise<R> | R;
  /** Closes what a kept thread holds between jobs (data.keep), before the thread ends. */
  release?: () => Promise<void>;
}

/**
 * The body of every job: wires cancel messages to an AbortSignal, throttles progress, and reports the result or
 * the error to the JobManager over `port` (a worker thread's parentPort, or one end of a MessageChannel when the
 * job runs in the JobManager's own thread: services/jobs/in-thread-worker.ts). The port closes after its job, or,
 * when the job's data says `keep`, waits for the JobManager's next job ('run') or its 'release'.
 */
export function runJobOnPort<P, R>(port: MessagePort, first: JobWorkerData<P>, job: JobDefinition<P, R>): void {
  const send = (m: FromWorker): void => port.postMessage(m);
  let controller = new AbortController();
  let ending: Promise<void> | null = null;
  // ffmpeg's launcher process ends with the reader of this thread, not as a zombie of a terminated one
  const end = (): Promise<void> =>
    (ending ??= Promise.resolve()
      .then(() => job.release?.())
      .catch(() => undefined)
      .finally(() => closeFfmpegReader().finally(() => port.close())));

  const run = (data: JobWorkerData<P>): void => {
    setShippedModelsDir(data.locations.shippedModelsDir);
    controller = new AbortController();
    let last = 0;
    const ctx: WorkerJobContext<P> = {
      data,
      signal: controller.signal,
      progress: (done, total, current = null, message = null) => {
        const now = performance.now();
        if (now - last < 100 && total !== null && done < total) return;
        last = now;
        send({ type: 'progress', done, total, current, message });
      },
      libraryChanged: (reason) => send({ type: 'event', name: 'library.changed', reason }),
      tracksStored: (trackIds) => {
        if (trackIds.length > 0) send({ type: 'tracks', trackIds });
      },
    };
    Promise.resolve()
      .then(() => job.run(ctx))
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
  run(first);
}
