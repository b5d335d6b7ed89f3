import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/main/core/db/database.ts';
import { insertLibraryRoot } from '../../src/main/core/db/library-roots.ts';
import { scanRoot } from '../../src/main/core/scan/scanner.ts';
import { makeAudioFile } from '../helpers/audio-fixtures.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

/**
 * Two connections to one library file stand in for two processes (the app and a command) adding and scanning the
 * same new folder at once. Each scan reads the folder's tracks, then the files' tags, then writes: run side by side
 * in one event loop, both read before either writes, which is the race two processes run into.
 */
describe('two scans of one new folder at once, on two connections to one library', () => {
  const tmp = makeTempDir();
  const music = join(tmp.dir, 'Music');
  const file = join(tmp.dir, 'lib.sqlite');

  beforeAll(() => {
    makeAudioFile(join(music, 'a.mp3'), { format: 'mp3', seconds: 2, tags: { title: 'A', genre: 'Rock' } });
    for (const n of ['b', 'c', 'd', 'e', 'f']) copyFileSync(join(music, 'a.mp3'), join(music, `${n}.mp3`));
  });
  afterAll(() => tmp.cleanup());

  it('adds each file once; the scan that comes second updates the rows the first one added instead of failing', async () => {
    const one = openDatabase(file);
    const two = openDatabase(file);
    try {
      // both add the folder: the second finds it added (before: "UNIQUE constraint failed: roots.path")
      const ids = [insertLibraryRoot(one, music, []), insertLibraryRoot(two, music, [])];
      expect(ids[1]).toBe(ids[0]);
      const root = { id: ids[0], path: music };
      const counts = await Promise.all([scanRoot(one, root), scanRoot(two, root)]);
      // before: the second write failed with "UNIQUE constraint failed: tracks.path"
      expect(counts.map((c) => c.added + c.unchanged)).toEqual([6, 6]);
      expect(counts[0].added + counts[1].added).toBe(6);
      expect(counts.map((c) => c.failed + c.changed)).toEqual([0, 0]);
      expect(one.prepare(`SELECT count(*) FROM tracks WHERE status = 'ok' AND title = 'A' AND genre = 'Rock'`).pluck().get()).toBe(6);
      expect(one.prepare('SELECT count(*) FROM roots').pluck().get()).toBe(1);
    } finally {
      one.close();
      two.close();
    }
  });
});
