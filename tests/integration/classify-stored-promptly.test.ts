import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAppContext } from '../../src/main/services/app-context.ts';
import { addRoot, startScan } from '../../src/main/services/library.ts';
import { startClassification } from '../../src/main/services/predictions.ts';
import { makeAudioFile } from '../helpers/audio-fixtures.ts';
import { requireGtzan } from '../helpers/gtzan.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

// Results are stored in batches (one transaction for up to 16 tracks or 1.5 s). A short track's result must not
// wait for the next track to finish: behind a long mix that is a minute or more in which the progress counts the
// track but the library shows it unclassified.
describe('a classification stores and announces each result within its batch time, whatever the next track', () => {
  const tmp = makeTempDir();
  afterAll(() => tmp.cleanup());

  it('a 30 s clip is stored and announced while the 20-minute file after it is still being listened to', { timeout: 180_000 }, async () => {
    const music = join(tmp.dir, 'Music');
    mkdirSync(music, { recursive: true });
    copyFileSync(join(requireGtzan(), 'audio', 'jazz', 'jazz.00001.opus'), join(music, 'a-short.opus'));
    makeAudioFile(join(music, 'b-long.flac'), { format: 'flac', seconds: 20 * 60, channels: 1, sampleRate: 22050, source: 'anoisesrc=color=pink:amplitude=0.3' });
    const ctx = createAppContext({ shell: 'cli', dbPath: join(tmp.dir, 'lib.sqlite'), dataDir: join(tmp.dir, 'home') });
    try {
      const root = addRoot(ctx, music);
      expect((await ctx.jobs.wait(startScan(ctx, [root.id], { classify: false }).jobId)).status).toBe('done');
      const id = (name: string): number => (ctx.db.prepare('SELECT id FROM tracks WHERE filename = ?').get(name) as { id: number }).id;
      const stored = (trackId: number): boolean =>
        ctx.db.prepare("SELECT 1 FROM track_analyses WHERE track_id = ? AND status = 'ok'").get(trackId) !== undefined;
      const seen: { what: string; at: number; longStored: boolean }[] = [];
      const off = [
        ctx.events.on('classify.tracks', (e) => seen.push({ what: `stored ${e.trackIds.join(',')}`, at: performance.now(), longStored: stored(id('b-long.flac')) })),
        ctx.events.on('library.changed', (e) => seen.push({ what: `changed ${e.reason}`, at: performance.now(), longStored: stored(id('b-long.flac')) })),
      ];
      const job = startClassification(ctx, { workers: 1 })!;
      const done = await ctx.jobs.wait(job.id);
      off.forEach((f) => f());
      expect(done.status).toBe('done');
      const short = id('a-short.opus');
      const long = id('b-long.flac');
      expect(seen.filter((s) => s.what.startsWith('stored')).map((s) => s.what)).toEqual([`stored ${short}`, `stored ${long}`]);
      // the clip's result was in the library, and announced to the views, while the long file was not done yet
      const first = seen.findIndex((s) => s.what === `stored ${short}`);
      expect(seen[first].longStored).toBe(false);
      expect(seen.slice(first).find((s) => s.what === 'changed predictions')?.longStored).toBe(false);
    } finally {
      await ctx.close();
    }
  });
});
