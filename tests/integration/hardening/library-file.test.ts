import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAudioFile } from '../../helpers/audio-fixtures.ts';
import { runCli } from '../../helpers/run-cli.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

// root may write anything: a read-only library is only read-only to another user, so the CLI runs as `nobody`
const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};

describe('the library file: damaged, foreign, mistyped and read-only --db', () => {
  const tmp = makeTempDir();
  const env = { GENRE_TAGGER_HOME: join(tmp.dir, 'home') };
  afterAll(() => {
    chmodSync(join(tmp.dir, 'ro'), 0o755);
    tmp.cleanup();
  });

  it('a damaged or non-database file: which file, what is wrong, what to do; no stack trace; the file untouched', async () => {
    const db = join(tmp.dir, 'damaged.sqlite');
    const bytes = Buffer.from('This is a shopping list, not a database.\n'.repeat(200));
    writeFileSync(db, bytes);
    for (const args of [['list'], ['scan', tmp.dir, '--no-classify'], ['tag-history']]) {
      const r = await runCli([...args, '--db', db], { env });
      expect(r.code, args[0]).toBe(1);
      expect(r.stderr).toContain(`The library file ${db} is damaged or is not a Genre Tagger library`);
      expect(r.stderr).toMatch(/left untouched\. Restore it from a backup, or use another library file/);
      expect(r.stderr).not.toMatch(/SqliteError|\n\s+at /);
    }
    expect(readFileSync(db).equals(bytes)).toBe(true);
    expect(existsSync(`${db}-wal`)).toBe(false);
  });

  it('a SQLite database of another program is not turned into a library', async () => {
    const db = join(tmp.dir, 'other-app.sqlite');
    const other = new BetterSqlite3(db);
    other.exec("CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('soup')");
    other.close();
    const before = readFileSync(db);
    const r = await runCli(['scan', tmp.dir, '--no-classify', '--db', db], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`${db.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is a database of another program, not a Genre Tagger library .*recipes`));
    expect(readFileSync(db).equals(before)).toBe(true);
  });

  it('a mistyped --db creates no folders; a new library in an existing folder is announced', async () => {
    const typo = join(tmp.dir, 'Muisc', 'lib.sqlite');
    const r = await runCli(['list', '--db', typo], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`There is no library at ${typo}, and its folder ${join(tmp.dir, 'Muisc')} does not exist (a mistyped path?)`);
    expect(existsSync(join(tmp.dir, 'Muisc'))).toBe(false);
    const fresh = join(tmp.dir, 'fresh.sqlite');
    const ok = await runCli(['list', '--db', fresh], { env });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toContain(`Created a new library at ${fresh}`);
    const again = await runCli(['list', '--db', fresh], { env });
    expect(again.stderr).not.toContain('Created a new library');
  });

  describe('a library in a place that cannot be written', () => {
    const dir = join(tmp.dir, 'ro');
    const db = join(dir, 'lib.sqlite');
    let before: Buffer;
    beforeAll(async () => {
      mkdirSync(dir);
      const music = join(tmp.dir, 'music');
      makeAudioFile(join(music, 'song.flac'), { format: 'flac', seconds: 1, tags: { title: 'Readable Song' } });
      const scan = await runCli(['scan', music, '--no-classify', '--db', db], { env });
      expect(scan.code, scan.stderr).toBe(0);
      chmodSync(tmp.dir, 0o755);
      mkdirSync(env.GENRE_TAGGER_HOME, { recursive: true });
      chmodSync(env.GENRE_TAGGER_HOME, 0o777);
      chmodSync(db, 0o444);
      chmodSync(dir, 0o555);
      before = readFileSync(db);
      expect(existsSync(`${db}-wal`) || existsSync(`${db}-shm`)).toBe(false); // closed cleanly: WAL checkpointed
    });

    it('is listed, read-only (list, tag-history)', async () => {
      const list = await runCli(['list', '--db', db], { env, ...asUser });
      expect(list.code, list.stderr).toBe(0);
      expect(list.stdout).toContain('Readable Song');
      expect(list.stderr).toContain(`The library ${db} cannot be written: opened read-only.`);
      const history = await runCli(['tag-history', '--db', db], { env, ...asUser });
      expect(history.code, history.stderr).toBe(0);
      expect(readFileSync(db).equals(before)).toBe(true);
    });

    it('a command that changes it says so instead of failing with an SQLite error', async () => {
      const scan = await runCli(['scan', join(tmp.dir, 'music'), '--no-classify', '--db', db], { env, ...asUser });
      expect(scan.code).toBe(1);
      expect(scan.stderr).toContain(`The library ${db} cannot be written (the file, its folder or the disk is read-only), and this command changes it.`);
      expect(scan.stderr).not.toMatch(/SqliteError|\n\s+at /);
      expect(readFileSync(db).equals(before)).toBe(true);
    });
  });
});
