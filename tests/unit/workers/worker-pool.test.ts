import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { endWorker } from '../../../src/main/workers/end-worker.ts';
import { createWorkerPool } from '../../../src/main/workers/worker-pool.ts';
import { WorkerStoppedError } from '../../../src/main/workers/worker-stopped-error.ts';
import type { PoolTestOrder, PoolTestReply, PoolTestWorkerData } from '../../helpers/pool-test.worker.ts';

const workerFile = new URL('../../helpers/pool-test.worker.ts', import.meta.url);

/**
 * A pool of real test workers (tests/helpers/pool-test.worker.ts); from the `fatalFrom`-th worker on, they cannot
 * start; from the `slowFrom`-th on, they say ready after 2 s.
 */
function testPool(size: number, options: { fatalFrom?: number; slowFrom?: number; tasksPerWorker?: number } = {}) {
  const started: Worker[] = [];
  const pool = createWorkerPool({
    size,
    tasksPerWorker: options.tasksPerWorker,
    start: () => {
      const workerData: PoolTestWorkerData = {
        fatal: started.length >= (options.fatalFrom ?? Infinity) ? 'cannot open the models' : undefined,
        readyAfterMs: started.length >= (options.slowFrom ?? Infinity) ? 2000 : 0,
      };
      return new Worker(workerFile, { workerData });
    },
    ready: (worker) =>
      new Promise((resolve, reject) =>
        worker.on('message', (m: PoolTestReply) => {
          if (m.type === 'ready') resolve();
          else if (m.type === 'fatal') reject(new Error(m.message));
        }),
      ),
    end: (worker) => endWorker(worker, { type: 'close' } satisfies PoolTestOrder, 1000),
    onWorkerStarted: (worker) => started.push(worker),
  });
  let nextId = 1;
  /** A task whose worker answers `value` after `ms`. */
  const echo = (value: string, ms = 50): Promise<string> =>
    pool.run(
      `echoing ${value}`,
      (worker) =>
        new Promise<string>((resolve) => {
          const id = nextId++;
          const onReply = (m: PoolTestReply): void => {
            if (m.type !== 'echo' || m.id !== id) return;
            worker.off('message', onReply);
            resolve(m.value);
          };
          worker.on('message', onReply);
          worker.postMessage({ type: 'echo', id, value, ms } satisfies PoolTestOrder);
        }),
    );
  /** A task during which its worker dies: `order` tells the worker how, or `terminate` ends it from here. */
  const dying = (what: string, order: PoolTestOrder | 'terminate'): Promise<never> =>
    pool.run(what, (worker) => {
      if (order === 'terminate') void worker.terminate();
      else worker.postMessage(order);
      return new Promise<never>(() => {}); // its answer never comes
    });
  /** A task that answers, after `ms`, the index (in `started`) of the worker it ran on. */
  const where = (ms: number): Promise<number> =>
    pool.run('locating', async (worker) => {
      await new Promise((r) => setTimeout(r, ms));
      return started.indexOf(worker);
    });
  return { pool, started, echo, dying, where };
}

describe('worker pool (real worker threads)', () => {
  const deaths: [string, PoolTestOrder | 'terminate', string][] = [
    ['throws an uncaught error', { type: 'throw', message: 'boom' }, 'it threw: boom'],
    ['calls process.exit', { type: 'exit', code: 3 }, 'it exited with code 3'],
    ['is terminated', 'terminate', 'it exited with code 1'],
  ];
  for (const [how, order, why] of deaths) {
    it(`a worker that ${how} mid-task fails that task only, naming it; later tasks run on a replacement`, async () => {
      const { pool, started, echo, dying } = testPool(2);
      const other = echo('other', 500); // on the first worker
      const doomed = dying('analysing /music/doomed.flac', order); // on the second
      const error = await doomed.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkerStoppedError);
      expect((error as Error).message).toBe(`The worker thread analysing /music/doomed.flac stopped before it finished (${why})`);
      await expect(other).resolves.toBe('other');
      expect(started, 'the dead worker is replaced only when a task needs it').toHaveLength(2);
      await expect(Promise.all([echo('a'), echo('b')])).resolves.toEqual(['a', 'b']);
      expect(started, 'one replacement').toHaveLength(3);
      await pool.close();
    });
  }

  it('a task waiting for the only worker runs on its replacement when that worker dies (no hang)', async () => {
    const { pool, started, echo, dying } = testPool(1);
    const doomed = dying('echoing doomed', { type: 'exit', code: 0 });
    const waiting = echo('next');
    await expect(doomed).rejects.toThrow('The worker thread echoing doomed stopped before it finished (it exited with code 0)');
    await expect(waiting).resolves.toBe('next');
    expect(started).toHaveLength(2);
    await pool.close();
  });

  it('a worker that cannot start fails fill() and the task that needed it, without hanging', async () => {
    const eager = testPool(2, { fatalFrom: 1 });
    await expect(eager.pool.fill()).rejects.toThrow('cannot open the models');
    await eager.pool.close();

    const { pool, echo, dying } = testPool(1, { fatalFrom: 1 });
    await pool.fill();
    await expect(echo('first')).resolves.toBe('first');
    await expect(dying('echoing doomed', 'terminate')).rejects.toThrow(WorkerStoppedError);
    await expect(echo('second'), 'its replacement cannot start').rejects.toThrow('cannot open the models');
    await pool.close();
  });

  it("fill('first') lets tasks start on the first worker ready while the others still start", async () => {
    const { pool, started, echo } = testPool(2, { slowFrom: 1 });
    await pool.fill('first');
    let slowReady = false;
    started[1].on('message', (m: PoolTestReply) => {
      if (m.type === 'ready') slowReady = true;
    });
    await expect(Promise.all([echo('a'), echo('b')])).resolves.toEqual(['a', 'b']);
    expect(slowReady, 'both tasks ran on the first worker before the second was ready').toBe(false);
    expect(started).toHaveLength(2);
    // once ready, the second worker takes tasks too: a short task ends while a long one still runs on the other
    await new Promise((r) => setTimeout(r, 2100));
    expect(slowReady).toBe(true);
    const order: string[] = [];
    await Promise.all([echo('long', 1500).then((v) => order.push(v)), echo('short', 50).then((v) => order.push(v))]);
    expect(order).toEqual(['short', 'long']);
    await pool.close();
  });

  it("fill('first') rejects only when no worker can start; a worker that cannot start later is replaced for the task that waits", async () => {
    const none = testPool(2, { fatalFrom: 0 });
    await expect(none.pool.fill('first')).rejects.toThrow('cannot open the models');
    await none.pool.close();

    const { pool, started, echo } = testPool(2, { fatalFrom: 1 });
    await pool.fill('first');
    await expect(echo('first')).resolves.toBe('first');
    const [a, b] = await Promise.allSettled([echo('a', 300), echo('b')]);
    expect(a).toEqual({ status: 'fulfilled', value: 'a' });
    expect(b.status === 'rejected' && (b.reason as Error).message, 'its replacement cannot start either').toBe('cannot open the models');
    expect(started.length).toBeGreaterThanOrEqual(3);
    await pool.close();
  });

  it('with two tasks per worker, a task goes to the worker running the fewest, and one that dies is replaced', async () => {
    const { pool, started, where, dying } = testPool(2, { tasksPerWorker: 2 });
    await pool.fill();
    // one each first, then a second on each; a fifth waits for one of them to end
    const placed = [where(400), where(400), where(400), where(400)];
    let fifthDone = false;
    const fifth = where(10).then((w) => ((fifthDone = true), w));
    await new Promise((r) => setTimeout(r, 200));
    expect(fifthDone, 'every worker holds two tasks').toBe(false);
    expect((await Promise.all(placed)).sort()).toEqual([0, 0, 1, 1]);
    await fifth;
    // a worker dies: the survivor takes the next two tasks at once, and a replacement starts beside it
    await expect(dying('doomed', 'terminate')).rejects.toThrow(WorkerStoppedError);
    const survivor = started.findIndex((w) => w.threadId !== -1);
    const next = await Promise.all([where(300), where(300)]);
    expect(next).toEqual([survivor, survivor]);
    expect(started, 'one replacement').toHaveLength(3);
    await pool.close();
  });

  it('close ends every worker, fails the task whose worker ends with it and the tasks still waiting, and refuses new ones', async () => {
    const { pool, started, echo } = testPool(1);
    await pool.fill();
    const long = echo('long', 10_000); // its worker outlives the close message: terminated after the grace time
    await new Promise((r) => setTimeout(r, 50));
    const queued = echo('queued');
    const closing = pool.close();
    await expect(queued).rejects.toThrow('The worker pool was closed');
    await expect(long).rejects.toThrow('The worker thread echoing long stopped before it finished (the pool was closed)');
    await closing;
    expect(started.map((w) => w.threadId), 'every thread has ended').toEqual([-1]);
    await expect(echo('late')).rejects.toThrow('The worker pool is closed (echoing late)');
  });
});
