import type { Worker } from 'node:worker_threads';
import { WorkerStoppedError } from './worker-stopped-error.ts';

export interface WorkerPoolOptions {
  /** The most worker threads alive at once. */
  size: number;
  /**
   * Tasks one worker runs at a time (default 1). A task goes to the worker running the fewest; while a worker runs
   * more than one and fewer than `size` are alive (one stopped), another is started.
   */
  tasksPerWorker?: number;
  /** Starts one worker thread. */
  start: () => Worker;
  /** Resolves once a new worker can take tasks (default: at once); a worker whose `ready` rejects is terminated. */
  ready?: (worker: Worker) => Promise<void>;
  /** Ends a worker when the pool closes (its own close message, then a terminate if it lingers: endWorker). */
  end: (worker: Worker) => Promise<void>;
  /** Told of every worker started, the first ones and replacements alike. */
  onWorkerStarted?: (worker: Worker) => void;
}

export interface WorkerPool {
  /**
   * Starts every worker now instead of on first use. 'all' (the default) waits until all are ready and rejects if
   * one cannot start; 'first' resolves as soon as one is ready, so tasks start on it while the others still start
   * (each takes tasks once ready; one that cannot start is replaced when a task waits for a worker), and rejects
   * only if none can start.
   */
  fill(until?: 'all' | 'first'): Promise<void>;
  /**
   * Runs `task` on a free worker, one task per worker at a time; the task talks to its worker itself. Waits for a
   * worker when all are busy; starts one when fewer than `size` are alive (on first use, or to replace one that
   * stopped). If the worker stops before the task settles, rejects with a WorkerStoppedError naming `what`.
   */
  run<T>(what: string, task: (worker: Worker) => Promise<T>): Promise<T>;
  /** Ends every worker (a task still running settles, or fails as stopped) and refuses tasks from then on. */
  close(): Promise<void>;
}

interface Waiter {
  resolve: (worker: Worker) => void;
  reject: (error: Error) => void;
}

/**
 * A small pool of worker threads that survives its workers: one that crashes, exits or is terminated fails only
 * the task it was running (with a clear error), never stays in the pool, and is replaced when a task next needs a
 * worker, so no task waits for a worker that will never come back.
 */
export function createWorkerPool(options: WorkerPoolOptions): WorkerPool {
  const alive = new Set<Worker>(); // started and not stopped, ready or not
  const slots = Math.max(1, options.tasksPerWorker ?? 1);
  /** Ready workers and how many tasks each runs (at most `slots`). */
  const load = new Map<Worker, number>();
  const queue: Waiter[] = [];
  /** Fails the tasks running on a worker, when that worker stops. */
  const running = new Map<Worker, Set<(why: string) => void>>();
  let starting = 0; // workers being started for tasks in the queue
  let spare = 0; // workers being started beside busy ones (tasksPerWorker > 1)
  let closed = false;

  const launch = async (): Promise<Worker> => {
    const worker = options.start();
    alive.add(worker);
    let stopped = false;
    let announceStop!: (why: string) => void;
    const stop = new Promise<string>((resolve) => (announceStop = resolve));
    const onStop = (why: string): void => {
      if (stopped) return;
      stopped = true;
      alive.delete(worker);
      load.delete(worker);
      const fails = running.get(worker);
      running.delete(worker);
      for (const fail of fails ?? []) fail(why);
      announceStop(why);
      pump(); // a task waiting for a worker may start a replacement now
    };
    // An uncaught error ends the worker ('exit' follows); whichever comes first says why.
    worker.on('error', (error) => onStop(`it threw: ${error.message}`));
    worker.on('exit', (code) => onStop(closed ? 'the pool was closed' : `it exited with code ${code}`));
    options.onWorkerStarted?.(worker);
    try {
      await Promise.race([
        options.ready ? options.ready(worker) : Promise.resolve(),
        stop.then((why) => Promise.reject(new Error(`A worker thread stopped while starting (${why})`))),
      ]);
    } catch (error) {
      void worker.terminate();
      throw error;
    }
    return worker;
  };

  /** A task of `worker` ended: it can take another. */
  const release = (worker: Worker): void => {
    if (closed || !alive.has(worker)) return;
    load.set(worker, Math.max(0, (load.get(worker) ?? 1) - 1));
    pump();
  };
  /** A new worker is ready for tasks. */
  const ready = (worker: Worker): void => {
    if (closed || !alive.has(worker)) return;
    load.set(worker, 0);
    pump();
  };
  /** The ready worker running the fewest tasks, if one can take another. */
  const leastLoaded = (): Worker | null => {
    let best: Worker | null = null;
    for (const [worker, n] of load) if (n < slots && (best === null || n < load.get(best)!)) best = worker;
    return best;
  };

  function pump(): void {
    for (let worker = leastLoaded(); queue.length > 0 && worker; worker = leastLoaded()) {
      load.set(worker, load.get(worker)! + 1);
      queue.shift()!.resolve(worker);
    }
    // a worker doubling up while the pool is short of one that stopped: start its replacement for the next tasks
    if (!closed && slots > 1 && spare === 0 && alive.size < options.size && [...load.values()].some((n) => n > 1)) {
      spare++;
      launch().then(
        (worker) => {
          spare--;
          ready(worker);
        },
        () => {
          spare--;
        },
      );
    }
    // start workers (up to `size` alive) for the waiting tasks that no worker being started will serve
    while (!closed && queue.length > starting && alive.size < options.size) {
      starting++;
      launch().then(
        (worker) => {
          starting--;
          ready(worker);
        },
        (error: unknown) => {
          starting--;
          queue.shift()?.reject(error instanceof Error ? error : new Error(String(error)));
          pump();
        },
      );
    }
  }

  const acquire = (): Promise<Worker> =>
    new Promise((resolve, reject) => {
      queue.push({ resolve, reject });
      pump();
    });

  return {
    async fill(until = 'all') {
      const launches: Promise<void>[] = [];
      while (!closed && alive.size < options.size) launches.push(launch().then(ready));
      if (until === 'all') await Promise.all(launches);
      else if (launches.length > 0) await Promise.any(launches).catch((error: AggregateError) => Promise.reject(error.errors[0] as Error));
    },

    async run<T>(what: string, task: (worker: Worker) => Promise<T>): Promise<T> {
      if (closed) throw new Error(`The worker pool is closed (${what})`);
      const worker = await acquire();
      return new Promise<T>((resolve, reject) => {
        let settled = false;
        const settle = (finish: () => void): void => {
          if (settled) return;
          settled = true;
          finish();
        };
        const fail = (why: string): void => settle(() => reject(new WorkerStoppedError(what, why)));
        const tasks = running.get(worker) ?? new Set();
        tasks.add(fail);
        running.set(worker, tasks);
        Promise.resolve()
          .then(() => task(worker))
          .then(
            (value) => settle(() => resolve(value)),
            (error: unknown) => settle(() => reject(error instanceof Error ? error : new Error(String(error)))),
          )
          .finally(() => {
            // the worker is still alive (a stopped one has left `running` already): it takes the next task
            const tasks = running.get(worker);
            if (tasks?.delete(fail)) {
              if (tasks.size === 0) running.delete(worker);
              release(worker);
            }
          });
      });
    },

    async close() {
      closed = true;
      for (const waiter of queue.splice(0)) waiter.reject(new Error('The worker pool was closed'));
      load.clear();
      await Promise.all([...alive].map((worker) => options.end(worker)));
    },
  };
}
