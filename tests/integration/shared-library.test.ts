import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEFT_ELSEWHERE } from '../../src/shared/api/predictions.ts';
import { makeAudioFile } from '../helpers/audio-fixtures.ts';
import { runCli } from '../helpers/run-cli.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

/**
 * One library, several processes at once: the app and a `genre-tagger` command from a script, or two commands.
 * Here three real `genre-tagger scan` commands (scan, then classify) start together on a new library.
 */
describe('three genre-tagger commands scanning and classifying one new library at once', () => {
  const tmp = makeTempDir();
  const music = join(tmp.dir, 'Music');
  const db = join(tmp.dir, 'lib.sqlite');
  const env = { GENRE_TAGGER_HOME: join(tmp.dir, 'home') };
  const sources = ['anoisesrc=color=pink:amplitude=0.3', 'sine=frequency=220', 'anoisesrc=color=brown:amplitude=0.4', 'sine=frequency=660'];
  const files = Array.from({ length: 8 }, (_, i) => join(music, `t${i}.mp3`));

  beforeAll(() => {
    files.forEach((f, i) => makeAudioFile(f, { format: 'mp3', seconds: 20, source: sources[i % sources.length] }));
  });
  afterAll(() => tmp.cleanup());

  it('each track is added once and listened to once; every command ends well and says what it left to the others', async () => {
    const runs = await Promise.all([0, 1, 2].map(() => runCli(['scan', music, '--db', db], { env })));
    for (const r of runs) expect(r.code, r.stdout + r.stderr).toBe(0);
    const classified = runs.map((r) => {
      const m = /^Classified (\d+) of (\d+) new or changed tracks in \S+(?: \((\d+) left to another .*\))?:/m.exec(r.stdout);
      expect(m, r.stdout).not.toBeNull();
      const [did, of, left] = [Number(m![1]), Number(m![2]), Number(m![3] ?? 0)];
      // what a command did not listen to, it left to another one
      expect(did + left).toBe(of);
      if (left > 0) expect(r.stdout).toContain(`(${left} ${LEFT_ELSEWHERE})`);
      return did;
    });
    // Before claims, each command listened to every track (24 analyses for 8 tracks).
    expect(classified.reduce((a, b) => a + b, 0)).toBe(files.length);
    // Before the scans tolerated each other, the slower ones failed on "UNIQUE constraint failed: tracks.path".
    const added = runs.map((r) => Number(/^Scanned 8 audio files in .*: (\d+) new, /m.exec(r.stdout)?.[1] ?? NaN));
    expect(added.reduce((a, b) => a + b, 0)).toBe(files.length);

    const lib = new Database(db, { readonly: true });
    try {
      expect(lib.prepare('SELECT count(*) FROM tracks').pluck().get()).toBe(files.length);
      expect(lib.prepare(`SELECT count(*) FROM track_analyses WHERE status = 'ok'`).pluck().get()).toBe(files.length);
      expect(lib.prepare(`SELECT count(DISTINCT track_id) FROM predictions WHERE model_kind = 'ensemble'`).pluck().get()).toBe(files.length);
      // every command dropped its claims as it ended
      expect(lib.prepare('SELECT count(*) FROM classify_claims').pluck().get()).toBe(0);
    } finally {
      lib.close();
    }
  });
});
