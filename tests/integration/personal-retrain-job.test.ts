import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gtzanFeatureNames } from '../../src/main/core/features/index.ts';
import { embeddingColumnsFor } from '../../src/main/core/personal/embedding-columns.ts';
import { createAppContext } from '../../src/main/services/app-context.ts';
import { activatePersonal, personalVersions, rollbackPersonal, startRetrain } from '../../src/main/services/personal.ts';
import { labelledLibrary } from '../helpers/labelled-library.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { finishedResult } from '../helpers/job-result.ts';

const labels10 = ['blues', 'classical', 'country', 'disco', 'hiphop', 'jazz', 'metal', 'pop', 'reggae', 'rock'];
const columns = embeddingColumnsFor({ clip: gtzanFeatureNames, segmentStats: gtzanFeatureNames, models: [{ kind: 'ensemble', labels: labels10 }] });

describe('the retrain job (worker thread, real SQLite, stored embeddings)', () => {
  const tmp = makeTempDir();
  afterAll(() => tmp.cleanup());
  const open = (name: string, n: number, genres: string[]) => {
    const dbPath = join(tmp.dir, `${name}.sqlite`);
    labelledLibrary(dbPath, n, columns, genres);
    return createAppContext({ shell: 'cli', dbPath, dataDir: join(tmp.dir, 'home') });
  };
  const shown = (ctx: ReturnType<typeof open>) => ctx.db.prepare('SELECT id, predicted_genre, predicted_confidence FROM tracks ORDER BY id').all();

  it('says which genres need more labels and stores nothing when there is not enough to learn from', async () => {
    const ctx = open('one-genre', 30, ['Folk']);
    try {
      const job = await ctx.jobs.wait(startRetrain(ctx).id);
      expect(job.status).toBe('failed');
      expect(job.error).toMatch(/at least two genres with 5 labelled, listened-to tracks each/);
      expect(personalVersions(ctx)).toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  it('can be cancelled: no version is stored and the predictions stay as they were', async () => {
    const ctx = open('cancel', 20000, Array.from({ length: 25 }, (_, g) => `Genre ${g + 1}`));
    try {
      const before = shown(ctx);
      const job = startRetrain(ctx);
      await new Promise((r) => setTimeout(r, 1500));
      ctx.jobs.cancel(job.id);
      expect((await ctx.jobs.wait(job.id)).status).toBe('cancelled');
      expect(personalVersions(ctx)).toEqual([]);
      expect(shown(ctx)).toEqual(before);
    } finally {
      await ctx.close();
    }
  });

  it('keeps every version: a second one is compared with the first, rollback and "none" restore the earlier predictions exactly', async () => {
    const ctx = open('versions', 600, ['Folk', 'Techno', 'Soundtrack']);
    try {
      const base = shown(ctx);
      const first = await ctx.jobs.wait(startRetrain(ctx).id);
      const s1 = finishedResult(first, 'retrain');
      expect(s1.activated).toBe(true);
      expect(s1.report.active?.name).toMatch(/^base models|^ensemble /);
      expect(s1.report.candidate.confusion).toHaveLength(3);
      const afterFirst = shown(ctx);
      expect(afterFirst).not.toEqual(base);

      const second = await ctx.jobs.wait(startRetrain(ctx, { activate: 'always' }).id);
      const s2 = finishedResult(second, 'retrain');
      expect(s2.report.active?.name).toBe(`personal ${s1.version}`);
      expect(personalVersions(ctx).map((v) => [v.version, v.active])).toEqual([[s2.version, true], [s1.version, false]]);

      expect(rollbackPersonal(ctx).version).toBe(s1.version);
      expect(shown(ctx)).toEqual(afterFirst);
      expect(activatePersonal(ctx, null).version).toBeNull();
      expect(shown(ctx)).toEqual(base);
    } finally {
      await ctx.close();
    }
  });
});
