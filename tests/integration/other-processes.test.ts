import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ApiEvents } from '../../src/shared/events.ts';
import { createAppContext } from '../../src/main/services/app-context.ts';
import { addRoot, startScan } from '../../src/main/services/library.ts';
import { makeAudioFile } from '../helpers/audio-fixtures.ts';
import { runCli } from '../helpers/run-cli.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('the app hears of changes another process makes to its library', () => {
  const tmp = makeTempDir();
  afterAll(() => tmp.cleanup());

  it("says 'external' once a genre-tagger command has written to it, and not for its own jobs or for nothing", { timeout: 60_000 }, async () => {
    const music = join(tmp.dir, 'Music');
    const other = join(tmp.dir, 'Other');
    makeAudioFile(join(music, 'a.mp3'), { format: 'mp3', seconds: 2 });
    makeAudioFile(join(other, 'b.mp3'), { format: 'mp3', seconds: 2, tags: { genre: 'Jazz' } });
    const dbPath = join(tmp.dir, 'lib.sqlite');
    const ctx = createAppContext({ shell: 'http', dbPath, dataDir: join(tmp.dir, 'home'), watchOtherProcessesMs: 100 });
    const changes: ApiEvents['library.changed']['reason'][] = [];
    const off = ctx.events.on('library.changed', (e) => changes.push(e.reason));
    try {
      // the app's own scan commits from its job's thread (another connection): the job says what it changed
      const root = addRoot(ctx, music);
      expect((await ctx.jobs.wait(startScan(ctx, [root.id], { classify: false }).jobId)).status).toBe('done');
      await sleep(500);
      expect(changes).not.toContain('external');
      expect(changes).toContain('scan');

      // a command scans another folder into the same library, in its own process
      const r = await runCli(['scan', other, '--db', dbPath, '--no-classify'], { env: { GENRE_TAGGER_HOME: join(tmp.dir, 'home') } });
      expect(r.code, r.stderr).toBe(0);
      await sleep(500);
      // one per check that saw its commits move the library (the command commits several times as it runs)
      const heard = changes.filter((c) => c === 'external').length;
      expect(heard).toBeGreaterThanOrEqual(1);
      expect(ctx.db.prepare('SELECT count(*) FROM tracks').pluck().get()).toBe(2);

      // nothing written since: nothing said
      await sleep(400);
      expect(changes.filter((c) => c === 'external')).toHaveLength(heard);
    } finally {
      off();
      await ctx.close();
    }
  });
});
