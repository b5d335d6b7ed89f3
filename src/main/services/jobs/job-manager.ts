import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { isJobOf } from '../../../shared/api/jobs.ts';
import type { JobInfo, JobInfoOf, JobKind, JobResults } from '../../../shared/api/jobs.ts';
import { ApiError } from '../../../shared/errors.ts';
import { FIFO_READING_WORKER_OPTIONS } from '../../core/audio/ffmpeg-shell-launcher.ts';
import { shippedModelsDirOverride } from '../../core/models/store/shipped-models-dir.ts';
import { workerUrl } from '../../workers/worker-url.ts';
import type { FromWorker, JobWorkerData, ToWorker } from '../../workers/worker-protocol.ts';
import type { EventBus } from '../event-bus.ts';
import { InThreadWorker } from './in-thread-worker.ts';
import type { JobLoader } from './in-thread-worker.ts';

/** A job's thread as the JobManager drives it: a worker thread, or a job run in this thread (InThreadWorker). */
interface JobThread {
  postMessage(message: ToWorker): void;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each event's listener, as Worker types them
  on(event: 'message' | 'error' | 'exit', listener: (...args: any[]) => void): unknown;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  off(event: 'message' | 'error' | 'exit', listener: (...args: any[]) => void): unknown;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  once(event: 'message' | 'error' | 'exit', listener: (...args: any[]) => void): unknown;
  terminate(): Promise<number>;
}

/**
 * A job to start. The worker must return what jobs of this kind report (JobResults[K]), or, for the CLI's 'train'
 * jobs, whose result the app does not know, the R its caller names.
 */
export interface StartJob<K extends JobKind, P, R extends JobResults[K] = JobResults[K]> {
  kind: K;
  /** Worker entry name: `src/main/workers/<worker>.worker.ts`. */
  worker: string;
  payload: P;
  /** Runs on the main thread with the worker's result before the job is reported done. */
  onResult?: (result: R, job: JobInfoOf<K>) => void;
  /**
   * Runs once the job finished successfully (not cancelled): may start the next job, whose id is reported as
   * this job's `followUp` in the same 'done' event, so a front end waiting for this job can go on to wait for it.
   */
  then?: (result: R) => JobInfo | null;
  /**
   * The worker's thread may outlive the job, holding what it opened, for the next job of the same worker (when the
   * JobManager keeps threads at all, `keepThreadsMs`): a classification's analysis workers with their models open.
   */
  keepThread?: boolean;
}

export interface JobManagerOptions {
  /**
   * How long a finished job's thread that may be kept (StartJob.keepThread) waits for the next job of its worker
   * before it is released; 0 (the default) ends every thread with its job.
   */
  keepThreadsMs?: number;
  /**
   * Jobs run in this thread instead of a worker thread of their own, by worker entry name (a one-shot CLI command:
   * in-thread-worker.ts). Their threads are never kept.
   */
  inThisThread?: Record<string, JobLoader>;
}

/** A job's thread kept after its job, waiting for the next job of its worker. */
interface KeptThread {
  worker: JobThread;
  timer: NodeJS.Timeout;
}

interface RunningJob {
  info: JobInfo;
  worker: JobThread;
  startedRateAt: number | null;
  startedRateDone: number;
  settled: Promise<JobInfo>;
  cancelTimer: NodeJS.Timeout | null;
}

/** Grace period for a cancelled worker to finish its current transaction before it is terminated. */
const cancelGraceMs = 5000;
const keepFinished = 50;

/**
 * Runs long jobs (scan, classify, train, tag writes) in worker threads, never on the thread that serves the UI (a
 * one-shot CLI command may run some in its own thread: `inThisThread`). Tracks progress and ETA, relays them as
 * `job.progress` events, and cancels by signal first and by termination if the worker does not stop in time.
 */
export class JobManager {
  private readonly jobs = new Map<string, RunningJob>();
  private readonly events: EventBus;
  private readonly base: Omit<JobWorkerData, 'payload' | 'locations'>;
  private readonly keepThreadsMs: number;
  /** Kept threads by worker entry name, and every kept or releasing thread's exit. */
  private readonly kept = new Map<string, KeptThread>();
  private readonly exits = new Set<Promise<void>>();
  private readonly tracked = new WeakSet<JobThread>();
  private readonly inThisThread: Record<string, JobLoader>;

  constructor(events: EventBus, base: Omit<JobWorkerData, 'payload' | 'locations'>, options: JobManagerOptions = {}) {
    this.events = events;
    this.base = base;
    this.keepThreadsMs = options.keepThreadsMs ?? 0;
    this.inThisThread = options.inThisThread ?? {};
  }

  start<K extends JobKind, P, R extends JobResults[K] = JobResults[K]>(spec: StartJob<K, P, R>): JobInfoOf<K> {
    const id = randomUUID();
    const info: JobInfoOf<K> = {
      id,
      kind: spec.kind,
      status: 'running',
      done: 0,
      total: null,
      etaMs: null,
      startedAt: Date.now(),
      finishedAt: null,
      current: null,
      message: null,
      error: null,
      result: null,
      followUp: null,
    };
    const inThisThread = Object.hasOwn(this.inThisThread, spec.worker) ? this.inThisThread[spec.worker] : null;
    const keep = spec.keepThread === true && this.keepThreadsMs > 0 && !inThisThread;
    const data: JobWorkerData<P> = {
      ...this.base,
      locations: { shippedModelsDir: shippedModelsDirOverride() },
      payload: spec.payload,
      keep,
    };
    const waiting = this.kept.get(spec.worker);
    let worker: JobThread;
    if (inThisThread) {
      worker = new InThreadWorker(inThisThread, data);
    } else if (waiting) {
      this.kept.delete(spec.worker);
      clearTimeout(waiting.timer);
      worker = waiting.worker;
      worker.postMessage({ type: 'run', data } satisfies ToWorker);
    } else {
      // a job's thread may serve its workers' ffmpeg reads (the classification pool's)
      worker = new Worker(workerUrl(spec.worker), { workerData: data, ...FIFO_READING_WORKER_OPTIONS });
    }
    let resolveSettled!: (info: JobInfo) => void;
    const settled = new Promise<JobInfo>((resolve) => (resolveSettled = resolve));
    const job: RunningJob = { info: asJobInfo(info), worker, startedRateAt: null, startedRateDone: 0, settled, cancelTimer: null };
    this.jobs.set(id, job);

    let finished = false;
    const finish = (patch: Partial<JobInfoOf<K>>): void => {
      if (finished) return;
      finished = true;
      if (job.cancelTimer) clearTimeout(job.cancelTimer);
      Object.assign(info, patch, { finishedAt: Date.now(), etaMs: null, current: null });
      if (info.status === 'running') info.status = 'done';
      this.emit(job.info);
      this.prune();
      resolveSettled({ ...job.info });
    };

    // What the worker posts is what runInWorker sent for it: a result of the type this kind reports.
    let handedOver = false;
    const onMessage = (m: FromWorker<R>): void => {
      switch (m.type) {
        case 'progress':
          this.onProgress(job, m);
          break;
        case 'event':
          this.events.emit('library.changed', { reason: m.reason });
          break;
        case 'tracks':
          this.events.emit('classify.tracks', { jobId: id, trackIds: m.trackIds });
          break;
        case 'result':
          handedOver = false;
          try {
            spec.onResult?.(m.result, info);
            const cancelled = info.status === 'running' && this.cancelRequested.has(id);
            // Finished from here on, so that `then` sees no running job of this kind.
            info.status = cancelled ? 'cancelled' : 'done';
            // kept before `then` runs, so a job that it starts can take this thread
            if (keep) this.keepOrRelease(spec.worker, worker, !cancelled, detach);
            handedOver = true;
            let followUp: string | null = null;
            if (!cancelled && spec.then) {
              try {
                followUp = spec.then(m.result)?.id ?? null;
              } catch (error) {
                info.message = `Could not start the next step: ${error instanceof Error ? error.message : String(error)}`;
              }
            }
            finish({ result: m.result, followUp });
          } catch (error) {
            if (keep && !handedOver) this.keepOrRelease(spec.worker, worker, false, detach);
            finish({ status: 'failed', error: error instanceof Error ? error.message : String(error) });
          }
          break;
        case 'error':
          if (keep) this.keepOrRelease(spec.worker, worker, false, detach);
          finish({ status: this.cancelRequested.has(id) ? 'cancelled' : 'failed', error: m.message });
          break;
      }
    };
    const onError = (error: Error): void => finish({ status: 'failed', error: error.message });
    const onExit = (code: number): void => {
      if (this.cancelRequested.has(id)) finish({ status: 'cancelled' });
      else finish({ status: 'failed', error: `The worker stopped unexpectedly (exit code ${code})` });
    };
    /** Stops listening to the worker: its thread is kept for another job, or released. */
    const detach = (): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    this.emit(job.info);
    return { ...info };
  }

  private readonly cancelRequested = new Set<string>();

  cancel(id: string): JobInfo {
    const job = this.jobs.get(id);
    if (!job) throw new ApiError('not_found', `No job with id ${id}`);
    if (job.info.status !== 'running') return { ...job.info };
    this.cancelRequested.add(id);
    job.info.message = 'Cancelling…';
    this.emit(job.info);
    job.worker.postMessage({ type: 'cancel' } satisfies ToWorker);
    job.cancelTimer = setTimeout(() => void job.worker.terminate(), cancelGraceMs);
    return { ...job.info };
  }

  get(id: string): JobInfo {
    const job = this.jobs.get(id);
    if (!job) throw new ApiError('not_found', `No job with id ${id}`);
    return { ...job.info };
  }

  list(): JobInfo[] {
    return [...this.jobs.values()].map((j) => ({ ...j.info })).sort((a, b) => b.startedAt - a.startedAt);
  }

  /** Resolves when the job has finished, whatever its status. */
  wait(id: string): Promise<JobInfo> {
    const job = this.jobs.get(id);
    if (!job) return Promise.reject(new ApiError('not_found', `No job with id ${id}`));
    return job.settled;
  }

  running(): JobInfo[];
  running<K extends JobKind>(kind: K): JobInfoOf<K>[];
  running(kind?: JobKind): JobInfo[] {
    return this.list().filter((j) => j.status === 'running' && (kind === undefined || isJobOf(j, kind)));
  }

  /** Worker entry names whose thread is kept, waiting for a next job. */
  keptThreads(): string[] {
    return [...this.kept.keys()];
  }

  /** Releases the kept threads and resolves when they have ended (a released thread closes what it held first). */
  async releaseKeptThreads(): Promise<void> {
    for (const name of [...this.kept.keys()]) this.release(name);
    await Promise.all([...this.exits]);
  }

  /** Cancels everything and waits, kept threads released; used on shutdown. */
  async shutdown(): Promise<void> {
    const running = [...this.jobs.values()].filter((j) => j.info.status === 'running');
    for (const j of running) this.cancel(j.info.id);
    await Promise.all(running.map((j) => j.settled));
    await this.releaseKeptThreads();
  }

  /**
   * A kept job's thread after its job: waits keepThreadsMs for the next job of its worker (`keep`, and no thread of
   * that worker is waiting already), else is released.
   */
  private keepOrRelease(name: string, worker: JobThread, keep: boolean, detach: () => void): void {
    detach();
    if (!this.tracked.has(worker)) {
      this.tracked.add(worker);
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      this.exits.add(exited);
      void exited.then(() => {
        this.exits.delete(exited);
        const kept = this.kept.get(name);
        if (kept?.worker === worker) {
          clearTimeout(kept.timer);
          this.kept.delete(name);
        }
      });
      // a kept thread that fails between jobs just ends (a job's own listener reports a failure during it)
      worker.on('error', () => undefined);
    }
    if (keep && !this.kept.has(name)) {
      const timer = setTimeout(() => this.release(name), this.keepThreadsMs);
      timer.unref();
      this.kept.set(name, { worker, timer });
    } else {
      this.releaseWorker(worker);
    }
  }

  private release(name: string): void {
    const kept = this.kept.get(name);
    if (!kept) return;
    this.kept.delete(name);
    clearTimeout(kept.timer);
    this.releaseWorker(kept.worker);
  }

  /** Asks a kept thread to close what it holds and end; terminates it if it has not ended in cancelGraceMs. */
  private releaseWorker(worker: JobThread): void {
    worker.postMessage({ type: 'release' } satisfies ToWorker);
    const timer = setTimeout(() => void worker.terminate(), cancelGraceMs);
    timer.unref();
    worker.once('exit', () => clearTimeout(timer));
  }

  private onProgress(job: RunningJob, m: Extract<FromWorker, { type: 'progress' }>): void {
    const info = job.info;
    if (m.total !== info.total) {
      // A new phase or a new total: restart the rate measurement.
      job.startedRateAt = null;
    }
    info.done = m.done;
    info.total = m.total;
    info.current = m.current ?? null;
    if (!this.cancelRequested.has(info.id)) info.message = m.message ?? null;
    const now = performance.now();
    if (job.startedRateAt === null) {
      job.startedRateAt = now;
      job.startedRateDone = m.done;
      info.etaMs = null;
    } else if (m.total !== null) {
      const rate = (m.done - job.startedRateDone) / (now - job.startedRateAt);
      info.etaMs = rate > 0 && now - job.startedRateAt > 500 ? Math.round((m.total - m.done) / rate) : null;
    }
    this.emit(info);
  }

  private emit(info: JobInfo): void {
    this.events.emit('job.progress', { ...info });
  }

  private prune(): void {
    const finished = [...this.jobs.values()].filter((j) => j.info.status !== 'running');
    for (const j of finished.slice(0, Math.max(0, finished.length - keepFinished))) {
      this.jobs.delete(j.info.id);
      this.cancelRequested.delete(j.info.id);
    }
  }
}

/** A job of one kind as the union of all kinds (the same object): it is one of its members, which TypeScript cannot see for a generic K. */
function asJobInfo<K extends JobKind>(info: JobInfoOf<K>): JobInfo {
  return info as JobInfo;
}
