import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobInfo } from '../../src/shared/api/jobs.ts';
import { readTrackPredictions } from '../../src/main/core/db/prediction-rows.ts';
import { createAppContext } from '../../src/main/services/app-context.ts';
import type { AppContext } from '../../src/main/services/app-context.ts';
import { EventBus } from '../../src/main/services/event-bus.ts';
import type { JobLoader } from '../../src/main/services/jobs/in-thread-worker.ts';
import { JobManager } from '../../src/main/services/jobs/job-manager.ts';
import { addRoot, startScan } from '../../src/main/services/library.ts';
import { startClassification } from '../../src/main/services/predictions.ts';
import { requireGtzan } from '../helpers/gtzan.ts';
import { finishedResult } from '../helpers/job-result.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

// A one-shot CLI command runs its scan and its classification in its own thread (its analysis workers are threads
// either way): the same messages over a MessageChannel instead of a worker thread's port.
describe('jobs run in the thread that starts them', () => {
  const tmp = makeTempDir();
  afterAll(() => tmp.cleanup());

  const managerWith = (jobs: Record<string, JobLoader>): { manager: JobManager; seen: JobInfo[]; changed: string[] } => {
    const events = new EventBus();
    const seen: JobInfo[] = [];
    const changed: string[] = [];
    events.on('job.progress', (j) => seen.push(j));
    events.on('library.changed', (e) => changed.push(e.reason));
    return { manager: new JobManager(events, { dbPath: join(tmp.dir, 'none.sqlite'), dataDir: tmp.dir }, { inThisThread: jobs }), seen, changed };
  };

  it('report progress, events and their result as a worker thread does, and release what they hold after', async () => {
    let released = 0;
    const { manager, seen, changed } = managerWith({
      probe: async () => ({
        run: async ({ data, progress, libraryChanged }) => {
          progress(1, 2, 'half', 'Halfway');
          libraryChanged('scan');
          await new Promise((r) => setTimeout(r, 20));
          return { mainThread: isMainThread, payload: data.payload };
        },
        release: async () => {
          released++;
        },
      }),
    });
    const started = manager.start({ kind: 'train', worker: 'probe', payload: { answer: 42 } });
    const done = await manager.wait(started.id);
    expect(done.status, done.error ?? '').toBe('done');
    expect(done.result).toEqual({ mainThread: true, payload: { answer: 42 } });
    expect(seen.some((j) => j.message === 'Halfway' && j.done === 1 && j.total === 2)).toBe(true);
    expect(changed).toEqual(['scan']);
    await manager.shutdown();
    expect(released).toBe(1);
  });

  it('are cancelled through their signal, and fail with their error, or when they cannot be loaded', async () => {
    const { manager } = managerWith({
      waits: async () => ({
        run: ({ signal }) => new Promise((resolve) => signal.addEventListener('abort', () => resolve({ stopped: true }), { once: true })),
      }),
      throws: async () => ({
        run: async () => {
          throw new Error('the library folder is gone');
        },
      }),
      missing: () => Promise.reject(new Error('no such module')),
    });
    const waiting = manager.start({ kind: 'train', worker: 'waits', payload: null });
    manager.cancel(waiting.id);
    expect(await manager.wait(waiting.id)).toMatchObject({ status: 'cancelled', result: { stopped: true } });
    const thrown = await manager.wait(manager.start({ kind: 'train', worker: 'throws', payload: null }).id);
    expect(thrown).toMatchObject({ status: 'failed', error: 'the library folder is gone' });
    const missing = await manager.wait(manager.start({ kind: 'train', worker: 'missing', payload: null }).id);
    expect(missing).toMatchObject({ status: 'failed', error: 'no such module' });
    await manager.shutdown();
  });

  describe('a scan and a classification, in this thread and in threads of their own', () => {
    let music: string;
    beforeAll(() => {
      music = join(tmp.dir, 'Music');
      mkdirSync(music, { recursive: true });
      for (const clip of ['jazz.00001', 'metal.00002']) copyFileSync(join(requireGtzan(), 'audio', clip.split('.')[0], `${clip}.opus`), join(music, `${clip}.opus`));
    });

    const run = async (tag: string, jobsInThisThread: boolean): Promise<Record<string, number[]>> => {
      const ctx: AppContext = createAppContext({ shell: 'cli', dbPath: join(tmp.dir, `${tag}.sqlite`), dataDir: join(tmp.dir, 'home'), jobsInThisThread });
      try {
        const root = addRoot(ctx, music);
        const scan = await ctx.jobs.wait(startScan(ctx, [root.id], { classify: false }).jobId);
        expect(finishedResult(scan, 'scan')).toMatchObject({ added: 2, failed: 0 });
        const done = await ctx.jobs.wait(startClassification(ctx, { rootIds: [root.id], workers: 2 })!.id);
        expect(finishedResult(done, 'classify')).toMatchObject({ total: 2, classified: 2, failed: 0, cancelled: false });
        const rows = ctx.db.prepare('SELECT id, filename FROM tracks ORDER BY filename').all() as { id: number; filename: string }[];
        return Object.fromEntries(rows.flatMap((t) => readTrackPredictions(ctx.db, t.id).map((p) => [`${t.filename} ${p.kind}`, Array.from(p.probabilities)])));
      } finally {
        await ctx.close();
      }
    };

    it('store the same predictions, probability for probability', { timeout: 180_000 }, async () => {
      const here = await run('here', true);
      const threads = await run('threads', false);
      expect(Object.keys(here)).toHaveLength(8); // 2 tracks x (CNN, MLFI, SVM, ensemble)
      expect(here).toEqual(threads);
    });
  });
});
