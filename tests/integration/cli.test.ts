import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAudioFile } from '../helpers/audio-fixtures.ts';
import { runCli } from '../helpers/run-cli.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

describe('genre-tagger scan / list', () => {
  const tmp = makeTempDir();
  const music = join(tmp.dir, 'Music');
  const db = join(tmp.dir, 'lib.sqlite');

  beforeAll(() => {
    makeAudioFile(join(music, 'A/one.mp3'), { format: 'mp3', seconds: 1, tags: { title: 'Blue Monday', artist: 'Zed', genre: 'Synthpop' } });
    makeAudioFile(join(music, 'A/two.flac'), { format: 'flac', seconds: 1, tags: { title: 'Café Society', artist: 'Alpha', genre: 'Jazz' } });
    makeAudioFile(join(music, 'B/three.ogg'), { format: 'ogg', seconds: 1, tags: { title: 'Night Drive', artist: 'Mid' } });
    mkdirSync(join(music, 'B/bad'), { recursive: true });
    makeAudioFile(join(music, 'B/bad/ok.wav'), { format: 'wav', seconds: 1 });
  });
  afterAll(() => tmp.cleanup());

  it('scans a folder and prints a JSON summary', async () => {
    const r = await runCli(['scan', music, '--db', db, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { added: number; failed: number; seen: number; folders: string[] };
    expect(summary).toMatchObject({ added: 4, failed: 0, seen: 4 });
    expect(summary.folders).toEqual([music]);
  });

  it('lists the library sorted, searched (accent-insensitive) and as JSON lines', async () => {
    const all = await runCli(['list', '--db', db, '--json']);
    expect(all.code, all.stderr).toBe(0);
    const rows = all.stdout.trim().split('\n').map((l) => JSON.parse(l) as { artist: string | null; title: string | null });
    // Sorted by artist, unknown artists last.
    expect(rows.map((r) => r.artist)).toEqual(['Alpha', 'Mid', 'Zed', null]);
    const cafe = await runCli(['list', '--db', db, '--search', 'cafe', '--json']);
    expect(cafe.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { title: string }).title)).toEqual(['Café Society']);
    const table = await runCli(['list', '--db', db, '--sort', 'title', '--desc']);
    expect(table.code).toBe(0);
    const titles = table.stdout.split('\n').slice(1).filter(Boolean).map((l) => l.slice(0, 28).trim());
    // Descending is the exact reverse of ascending, so the untitled file (shown by its file name) comes first.
    expect(titles).toEqual(['ok.wav', 'Night Drive', 'Café Society', 'Blue Monday']);
  });

  it('lists every command in --help, and each one answers to its own name', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    const names = help.stdout.split('Commands:\n')[1].split('\n\n')[0].split('\n').map((l) => l.trim().split(/\s+/)[0]);
    expect(names).toEqual(['classify', 'scan', 'list', 'label', 'labels', 'review', 'retrain', 'tag', 'playlist', 'tag-history', 'undo', 'analyze', 'train', 'evaluate', 'models', 'serve']);
    for (const name of names) {
      const own = await runCli([name, '--help']);
      expect(own.code, name).toBe(0);
      expect(own.stdout, name).toContain(`Usage: genre-tagger ${name} `);
    }
    const unknown = await runCli(['clasify']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^Unknown command: clasify\n\ngenre-tagger: predict/);
  });

  it('rejects bad usage with exit code 2 and the usage line', async () => {
    const r = await runCli(['list', '--db', db, '--sort', 'colour']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Unknown sort column: colour[\s\S]*Usage: genre-tagger list/);
    const missing = await runCli(['scan', join(tmp.dir, 'nope'), '--db', db]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/Folder not found/);
  });

  it('reports a folder it may not read and scans the rest', async () => {
    const locked = join(music, 'Locked');
    makeAudioFile(join(locked, 'secret.mp3'), { format: 'mp3', seconds: 1 });
    chmodSync(locked, 0o000);
    // root reads every folder, so as root the scan runs as the unprivileged user 'nobody'.
    const asRoot = process.getuid?.() === 0;
    const dbDir = join(tmp.dir, 'nobody');
    mkdirSync(dbDir, { mode: 0o777 });
    chmodSync(dbDir, 0o777);
    chmodSync(tmp.dir, 0o755);
    try {
      const r = await runCli(['scan', music, '--db', join(dbDir, 'lib.sqlite'), '--json'], asRoot ? { uid: 65534, gid: 65534 } : {});
      expect(r.code, r.stderr).toBe(0);
      const s = JSON.parse(r.stdout) as { added: number; issues: { path: string; error: string }[] };
      expect(s.added).toBe(4);
      expect(s.issues).toEqual([{ path: locked, error: 'Permission denied: the folder cannot be read' }]);
    } finally {
      chmodSync(locked, 0o755);
    }
  });
});
