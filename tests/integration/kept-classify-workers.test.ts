import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClassifySummary } from '../../src/shared/api/predictions.ts';
import { readTrackPredictions } from '../../src/main/core/db/prediction-rows.ts';
import { SHELL_LAUNCHER_NAME } from '../../src/main/core/audio/ffmpeg-shell-launcher.ts';
import { createAppContext } from '../../src/main/services/app-context.ts';
import type { AppContext } from '../../src/main/services/app-context.ts';
import { addRoot, startScan } from '../../src/main/services/library.ts';
import { cancelClassification, startClassification } from '../../src/main/services/predictions.ts';
import { makeAudioFile } from '../helpers/audio-fixtures.ts';
import { childProcesses } from '../helpers/child-processes.ts';
import { requireGtzan } from '../helpers/gtzan.ts';
import { finishedResult } from '../helpers/job-result.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

// The app keeps a classification's thread and its analysis workers (models open, code compiled, memory in place)
// for the next classification for a while, so new files arriving soon after do not pay the workers' start again.
describe('a classification’s workers kept for the next one', () => {
  const tmp = makeTempDir();
  const folder = (name: string, clips: string[]): string => {
    const dir = join(tmp.dir, name);
    mkdirSync(dir, { recursive: true });
    for (const clip of clips) copyFileSync(join(requireGtzan(), 'audio', clip.split('.')[0], `${clip}.opus`), join(dir, `${clip}.opus`));
    return dir;
  };
  let first: string;
  let second: string;
  beforeAll(() => {
    first = folder('first', ['jazz.00001', 'rock.00002']);
    second = folder('second', ['blues.00003', 'classical.00004']);
  });
  afterAll(() => tmp.cleanup());

  const open = (tag: string, keepWorkersMs: number): AppContext =>
    createAppContext({ shell: 'cli', dbPath: join(tmp.dir, `${tag}.sqlite`), dataDir: join(tmp.dir, 'home'), keepWorkersMs });
  const classify = async (ctx: AppContext, dir: string, workers = 2): Promise<ClassifySummary> => {
    const root = addRoot(ctx, dir);
    expect((await ctx.jobs.wait(startScan(ctx, [root.id], { classify: false }).jobId)).status).toBe('done');
    const done = await ctx.jobs.wait(startClassification(ctx, { rootIds: [root.id], workers })!.id);
    expect(done.status, done.error ?? '').toBe('done');
    return finishedResult(done, 'classify');
  };
  /** Every stored prediction of the tracks under `dir`, by file name and model. */
  const predictions = (ctx: AppContext, dir: string): Record<string, number[]> => {
    const rows = ctx.db.prepare('SELECT id, filename FROM tracks WHERE path LIKE ? ORDER BY filename').all(`${dir}/%`) as { id: number; filename: string }[];
    return Object.fromEntries(rows.flatMap((t) => readTrackPredictions(ctx.db, t.id).map((p) => [`${t.filename} ${p.kind}`, Array.from(p.probabilities)])));
  };
  const launchers = (): number => childProcesses().filter((p) => p.command.includes(SHELL_LAUNCHER_NAME)).length;

  it('the next classification runs on the kept workers, with the same results as fresh ones, and closing ends them', { timeout: 180_000 }, async () => {
    const kept = open('kept', 60_000);
    let fresh: AppContext | null = null;
    try {
      const a = await classify(kept, first);
      expect(a.classified).toBe(2);
      expect(a.workersReused).toBe(false);
      expect(kept.jobs.keptThreads()).toEqual(['classify']);
      // the workers' shared ffmpeg launcher is kept with them
      expect(launchers()).toBe(1);

      const b = await classify(kept, second);
      expect(b.classified).toBe(2);
      expect(b.workersReused).toBe(true);

      fresh = open('fresh', 0);
      const c = await classify(fresh, second);
      expect(c.workersReused).toBe(false);
      // a thread that is not to be kept ends with its job
      expect(fresh.jobs.keptThreads()).toEqual([]);
      const reusedResults = predictions(kept, second);
      expect(Object.keys(reusedResults)).toHaveLength(8);
      expect(reusedResults).toEqual(predictions(fresh, second));

      // one new file runs on one of the kept workers
      const one = await classify(kept, folder('one-file', ['country.00009']));
      expect(one).toMatchObject({ classified: 1, workers: 1, workersReused: true });

      // a job asked to use fewer workers than are kept gets a new pool of its size
      const d = await classify(kept, folder('third', ['pop.00005', 'reggae.00000']), 1);
      expect(d).toMatchObject({ classified: 2, workers: 1, workersReused: false });
      expect(kept.jobs.keptThreads()).toEqual(['classify']);
    } finally {
      await fresh?.close();
      await kept.close();
    }
    expect(kept.jobs.keptThreads()).toEqual([]);
    expect(launchers()).toBe(0);
  });

  it('kept workers end after the idle time, and a cancelled classification keeps none', { timeout: 180_000 }, async () => {
    const ctx = open('idle', 400);
    try {
      await classify(ctx, folder('idle-a', ['disco.00006']));
      expect(ctx.jobs.keptThreads()).toEqual(['classify']);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(ctx.jobs.keptThreads()).toEqual([]);
      expect(launchers()).toBe(0);
      expect((await classify(ctx, folder('idle-b', ['metal.00007']))).workersReused).toBe(false);
    } finally {
      await ctx.close();
    }

    const cancelling = open('cancel', 60_000);
    try {
      const long = join(tmp.dir, 'long');
      makeAudioFile(join(long, 'long.flac'), { format: 'flac', seconds: 600, channels: 1, sampleRate: 22050, source: 'anoisesrc=color=pink:amplitude=0.3' });
      const root = addRoot(cancelling, long);
      await cancelling.jobs.wait(startScan(cancelling, [root.id], { classify: false }).jobId);
      const job = startClassification(cancelling, { rootIds: [root.id], workers: 1 })!;
      await new Promise<void>((resolve) => {
        const off = cancelling.events.on('job.progress', (j) => {
          if (j.id === job.id && (j.done ?? 0) > 0.02) {
            off();
            resolve();
          }
        });
      });
      cancelClassification(cancelling);
      expect((await cancelling.jobs.wait(job.id)).status).toBe('cancelled');
      expect(cancelling.jobs.keptThreads()).toEqual([]);
      expect((await classify(cancelling, folder('after-cancel', ['hiphop.00008']))).workersReused).toBe(false);
    } finally {
      await cancelling.close();
    }
  });
});
