import { mkdirSync, renameSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/main/core/db/database.ts';
import { openDatabase } from '../../src/main/core/db/database.ts';
import { scanRoot } from '../../src/main/core/scan/scanner.ts';
import type { ScanRoot } from '../../src/main/core/scan/scanner.ts';
import { makeAudioFile } from '../helpers/audio-fixtures.ts';
import { buildLibraryFixture } from '../helpers/library-fixture.ts';
import type { LibraryFixture } from '../helpers/library-fixture.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

interface Row {
  id: number;
  path: string;
  status: string;
  error: string | null;
  format: string | null;
  title: string | null;
  artist: string | null;
  genres_json: string;
  scanned_at: number;
  content_version: number;
  missing_since: number | null;
}

describe('scanner on a real library', () => {
  const tmp = makeTempDir();
  let fixture: LibraryFixture;
  let db: Database;
  let root: ScanRoot;
  const rows = (): Map<string, Row> =>
    new Map((db.prepare('SELECT * FROM tracks').all() as Row[]).map((r) => [r.path.slice(root.path.length + 1), r]));

  beforeAll(() => {
    const libRoot = join(tmp.dir, 'Music');
    mkdirSync(libRoot);
    fixture = buildLibraryFixture(libRoot);
    db = openDatabase(join(tmp.dir, 'library.sqlite'));
    const id = Number(db.prepare('INSERT INTO roots (path, added_at) VALUES (?, ?)').run(libRoot, Date.now()).lastInsertRowid);
    root = { id, path: libRoot };
  });
  afterAll(() => {
    db?.close();
    tmp.cleanup();
  });

  it('reads every format by content, records each broken file with its reason, skips non-audio', async () => {
    const counts = await scanRoot(db, root);
    const byRel = rows();
    expect(counts.added).toBe(fixture.tracks.length);
    expect(counts.failed).toBe(fixture.errors.length);
    expect(counts.skipped).toBe(fixture.issues.length);
    expect(byRel.size).toBe(fixture.tracks.length + fixture.errors.length);
    for (const t of fixture.tracks) {
      const r = byRel.get(t.rel);
      expect(r, t.rel).toBeDefined();
      expect(r!.status, `${t.rel}: ${r!.error}`).toBe('ok');
      expect(r!.format, t.rel).toBe(t.format);
      expect(r!.title, t.rel).toBe(t.title);
      expect(r!.artist, t.rel).toBe(t.artist);
      expect(JSON.parse(r!.genres_json), t.rel).toEqual(t.genres);
    }
    for (const e of fixture.errors) {
      const r = byRel.get(e.rel);
      expect(r?.status, e.rel).toBe('error');
      expect(r!.error, e.rel).toMatch(e.reason);
    }
    for (const skipped of ['Tagged/cover.jpg', 'Tagged/playlist.m3u', '.hidden.mp3']) expect(byRel.has(skipped)).toBe(false);
    // The loop (Tagged/loop -> ..) was not followed twice: no path goes through it.
    expect([...byRel.keys()].some((p) => p.includes('/loop/'))).toBe(false);
    const issues = db.prepare('SELECT path, error FROM scan_issues WHERE root_id = ?').all(root.id) as { path: string; error: string }[];
    for (const i of fixture.issues) {
      const hit = issues.find((x) => x.path === join(root.path, i.rel));
      expect(hit?.error, i.rel).toMatch(i.reason);
    }
  });

  it('rescans an unchanged library with stats only', async () => {
    const before = rows();
    const counts = await scanRoot(db, root);
    expect(counts).toMatchObject({ added: 0, changed: 0, moved: 0, missing: 0, failed: 0 });
    expect(counts.unchanged).toBe(before.size);
    for (const [rel, r] of rows()) expect(r.scanned_at, rel).toBe(before.get(rel)!.scanned_at);
  });

  it('re-reads a changed file, keeps a moved file\'s identity, marks vanished files missing and restores them', async () => {
    const before = rows();
    // Changed: new tags, new size and mtime.
    makeAudioFile(join(root.path, 'Tagged/flac.flac'), { format: 'flac', seconds: 2, tags: { title: 'Retitled', genre: 'Soul' } });
    // Moved to another folder.
    mkdirSync(join(root.path, 'Moved'));
    renameSync(join(root.path, 'Tagged/ogg.ogg'), join(root.path, 'Moved/ogg-renamed.ogg'));
    // Vanished.
    renameSync(join(root.path, 'Tagged/wav.wav'), join(tmp.dir, 'wav-aside.wav'));

    const counts = await scanRoot(db, root);
    expect(counts).toMatchObject({ added: 0, changed: 1, moved: 1, missing: 1, failed: 0 });
    const after = rows();
    const changed = after.get('Tagged/flac.flac')!;
    expect(changed.title).toBe('Retitled');
    expect(JSON.parse(changed.genres_json)).toEqual(['Soul']);
    expect(changed.id).toBe(before.get('Tagged/flac.flac')!.id);
    expect(changed.content_version).toBe(before.get('Tagged/flac.flac')!.content_version + 1);
    const moved = after.get('Moved/ogg-renamed.ogg')!;
    expect(moved.id).toBe(before.get('Tagged/ogg.ogg')!.id);
    expect(after.has('Tagged/ogg.ogg')).toBe(false);
    const gone = after.get('Tagged/wav.wav')!;
    expect(gone.status).toBe('missing');
    expect(gone.missing_since).toBeGreaterThan(0);
    expect(gone.title).toBe('Song wav'); // history kept

    // The file comes back: same row, ok again.
    renameSync(join(tmp.dir, 'wav-aside.wav'), join(root.path, 'Tagged/wav.wav'));
    const back = await scanRoot(db, root);
    expect(back).toMatchObject({ added: 0, missing: 0, changed: 1 });
    const restored = rows().get('Tagged/wav.wav')!;
    expect(restored.id).toBe(gone.id);
    expect(restored.status).toBe('ok');
    expect(restored.missing_since).toBeNull();
  });

  it('re-reads a file whose mtime alone changed, and an error file once it is fixed', async () => {
    const p = join(root.path, 'Tagged/mp3.mp3');
    utimesSync(p, new Date(), new Date(Date.now() + 5000));
    makeAudioFile(join(root.path, 'Broken/empty.flac'), { format: 'flac', seconds: 1, tags: { title: 'Fixed now' } });
    const counts = await scanRoot(db, root);
    expect(counts.changed).toBe(2);
    const r = rows();
    expect(r.get('Broken/empty.flac')).toMatchObject({ status: 'ok', title: 'Fixed now', error: null });
    // Same audio, same fingerprint: the mtime-only change does not ask for a new analysis.
    expect(r.get('Tagged/mp3.mp3')!.content_version).toBe(1);
  });

  it('records every file when many reads are in flight across batch boundaries', async () => {
    const flood = join(root.path, 'Flood');
    mkdirSync(flood);
    const template = makeAudioFile(join(tmp.dir, 'flood.mp3'), { format: 'mp3', seconds: 1 });
    const { copyFileSync, rmSync } = await import('node:fs');
    for (let i = 0; i < 700; i++) copyFileSync(template, join(flood, `f${i}.mp3`));
    const counts = await scanRoot(db, root, { batchSize: 7, concurrency: 32 });
    expect(counts.added).toBe(700);
    expect((db.prepare('SELECT count(*) AS n FROM tracks WHERE path LIKE ?').get(`${flood}/%`) as { n: number }).n).toBe(700);
    rmSync(flood, { recursive: true });
    expect((await scanRoot(db, root)).missing).toBe(700);
    db.prepare('DELETE FROM tracks WHERE path LIKE ?').run(`${flood}/%`);
  });

  it('stops on cancel with every row either old or new, and the next scan finishes the job', async () => {
    const bulk = join(root.path, 'Bulk');
    mkdirSync(bulk);
    const template = makeAudioFile(join(tmp.dir, 'template.mp3'), { format: 'mp3', seconds: 1, tags: { title: 'Bulk' } });
    const { copyFileSync } = await import('node:fs');
    for (let i = 0; i < 400; i++) copyFileSync(template, join(bulk, `b${String(i).padStart(3, '0')}.mp3`));
    const controller = new AbortController();
    let seen = 0;
    const counts = await scanRoot(db, root, {
      signal: controller.signal,
      batchSize: 50,
      progressIntervalMs: 0,
      onProgress: (p) => {
        seen = p.done;
        if (p.phase === 'reading' && p.done >= 120) controller.abort();
      },
    });
    expect(seen).toBeGreaterThanOrEqual(120);
    expect(counts.added).toBeLessThan(400);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const partial = (db.prepare("SELECT count(*) AS n FROM tracks WHERE path LIKE ?").get(`${bulk}/%`) as { n: number }).n;
    expect(partial).toBe(counts.added);
    // A cancelled scan never marks files missing.
    expect((db.prepare("SELECT count(*) AS n FROM tracks WHERE status = 'missing'").get() as { n: number }).n).toBe(0);
    const rest = await scanRoot(db, root);
    expect(rest.added).toBe(400 - partial);
    expect((db.prepare("SELECT count(*) AS n FROM tracks WHERE path LIKE ? AND status = 'ok'").get(`${bulk}/%`) as { n: number }).n).toBe(400);
  });
});

describe('moves between library folders and across scans', () => {
  const tmp = makeTempDir();
  afterAll(() => tmp.cleanup());

  it('keeps identity when a file moves to another root, or reappears after going missing, and not for copies', async () => {
    const a = join(tmp.dir, 'A');
    const b = join(tmp.dir, 'B');
    makeAudioFile(join(a, 'x.flac'), { format: 'flac', seconds: 1, tags: { title: 'Traveller' } });
    makeAudioFile(join(a, 'dup1.mp3'), { format: 'mp3', seconds: 1, tags: { title: 'Twin' } });
    const { copyFileSync } = await import('node:fs');
    copyFileSync(join(a, 'dup1.mp3'), join(a, 'dup2.mp3'));
    mkdirSync(b);
    const db = openDatabase(join(tmp.dir, 'm.sqlite'));
    const ra = Number(db.prepare('INSERT INTO roots (path, added_at) VALUES (?, 1)').run(a).lastInsertRowid);
    const rb = Number(db.prepare('INSERT INTO roots (path, added_at) VALUES (?, 1)').run(b).lastInsertRowid);
    const roots = [{ id: ra, path: a }, { id: rb, path: b }];
    const { scanRoots } = await import('../../src/main/core/scan/scanner.ts');
    expect(await scanRoots(db, roots)).toMatchObject({ added: 3 });
    const id = (p: string): number | undefined => (db.prepare('SELECT id FROM tracks WHERE path = ?').get(p) as { id: number } | undefined)?.id;
    const original = id(join(a, 'x.flac'))!;

    // Across roots, in one scan.
    renameSync(join(a, 'x.flac'), join(b, 'x-moved.flac'));
    expect(await scanRoots(db, roots)).toMatchObject({ added: 0, moved: 1, missing: 0 });
    expect(id(join(b, 'x-moved.flac'))).toBe(original);
    expect((db.prepare('SELECT root_id FROM tracks WHERE id = ?').get(original) as { root_id: number }).root_id).toBe(rb);

    // Gone in one scan, back under another name in a later one.
    renameSync(join(b, 'x-moved.flac'), join(tmp.dir, 'parked.flac'));
    expect(await scanRoots(db, roots)).toMatchObject({ missing: 1 });
    renameSync(join(tmp.dir, 'parked.flac'), join(a, 'x-back.flac'));
    expect(await scanRoots(db, roots)).toMatchObject({ added: 0, moved: 1, missing: 0 });
    expect(id(join(a, 'x-back.flac'))).toBe(original);

    // Deleting one of two identical copies is not a move; a new copy of a present file is a new track.
    const twin2 = id(join(a, 'dup2.mp3'))!;
    const { rmSync } = await import('node:fs');
    rmSync(join(a, 'dup2.mp3'));
    copyFileSync(join(a, 'dup1.mp3'), join(b, 'dup3.mp3'));
    // dup3 is new while dup2 vanished in the same scan: identical content, so dup3 takes dup2's row.
    expect(await scanRoots(db, roots)).toMatchObject({ moved: 1, added: 0, missing: 0 });
    expect(id(join(b, 'dup3.mp3'))).toBe(twin2);
    copyFileSync(join(a, 'dup1.mp3'), join(b, 'dup4.mp3'));
    expect(await scanRoots(db, roots)).toMatchObject({ moved: 0, added: 1, missing: 0 });
    db.close();
  });
});
