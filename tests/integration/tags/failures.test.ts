import { execFileSync, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  closeSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TagFileResult } from '../../../src/shared/api/tags.ts';
import { readGenreTag } from '../../../src/main/core/tags/genre-tag.ts';
import { createAppContext } from '../../../src/main/services/app-context.ts';
import type { AppContext } from '../../../src/main/services/app-context.ts';
import { createHandlers } from '../../../src/main/services/handlers.ts';
import type { Handlers } from '../../../src/main/services/handler-set.ts';
import { makeTaggedFile, sha1File } from '../../helpers/tag-fixtures.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { finishedResult } from '../../helpers/job-result.ts';

/**
 * Files that cannot or must not be written: each gets a clear error of its own, keeps its bytes, and the batch
 * goes on. The full disk is a real one: a 1 MiB tmpfs mounted for the test (the tests run as root here and in CI);
 * the kernel's ENOSPC is what the writer meets, not a simulation.
 */

let tmp: ReturnType<typeof makeTempDir>;
let ctx: AppContext;
let api: Handlers;
let lib: string;
let disk: string;
let mounted = false;
const wholeSecond = Math.floor(Date.now() / 1000) - 3600;
const p = (name: string): string => join(lib, name);
const genresOf = async (path: string): Promise<string[]> => (await readGenreTag(new Uint8Array(readFileSync(path)), { id3v23Separator: '; ' })).genres;

function tempFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.includes('.genre-tagger-')) out.push(join(e.parentPath, e.name));
  }
  return out;
}

beforeAll(async () => {
  tmp = makeTempDir('gt-tag-failures-');
  lib = join(tmp.dir, 'music');
  disk = p('small-disk');
  mkdirSync(disk, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,mode=0755', 'tmpfs', disk], { stdio: 'pipe' });
    mounted = true;
  } catch (error) {
    throw new Error(`This test mounts a 1 MiB tmpfs to fill a disk for real and needs root (CAP_SYS_ADMIN): ${String(error)}`);
  }
  makeTaggedFile(p('a-ok.flac'), 'flac', { genre: 'Rock' });
  makeTaggedFile(p('b-readonly.mp3'), 'mp3', { genre: 'Rock' });
  makeTaggedFile(p('c-vanished.ogg'), 'ogg', { genre: 'Rock' });
  makeTaggedFile(p('d-resized.mp3'), 'mp3', { genre: 'Rock' });
  makeTaggedFile(p('e-touched.m4a'), 'm4a', { genre: 'Rock' });
  // Long enough that its start lies outside the fingerprint's middle block: the damage is found by the tag reader.
  makeTaggedFile(p('f-corrupt.flac'), 'flac', { genre: 'Rock', seconds: 8 });
  makeTaggedFile(p('g-owned.mp3'), 'mp3v23', { genre: 'Rock' });
  // A link to a file inside the library (a hidden folder is not scanned; tags/symlinks.test.ts has links leading out).
  makeTaggedFile(p('.store/target.opus'), 'opus', { genre: 'Rock' });
  symlinkSync(p('.store/target.opus'), p('h-link.opus'));
  // 4 s of 16-bit stereo PCM: about 690 KiB, so a second copy cannot fit on the 1 MiB disk.
  makeTaggedFile(join(disk, 'full.wav'), 'wav', { genre: 'Rock', seconds: 4 });
  makeTaggedFile(p('z-ok.opus'), 'opus', { genre: 'Rock' });
  // A whole-second mtime, so the test can put it back exactly after corrupting the file (utimes takes seconds as
  // a double, which cannot hold every millisecond value).
  utimesSync(p('f-corrupt.flac'), wholeSecond, wholeSecond);
  chmodSync(p('g-owned.mp3'), 0o640);
  chownSync(p('g-owned.mp3'), 1234, 2345);
  ctx = createAppContext({ shell: 'cli', dbPath: join(tmp.dir, 'library.sqlite'), dataDir: join(tmp.dir, 'data') });
  api = createHandlers(ctx);
  const root = await api['library.addRoot']({ path: lib });
  const { jobId } = await api['library.scan']({ rootIds: [root.id] });
  expect((await ctx.jobs.wait(jobId)).status).toBe('done');
});

afterAll(async () => {
  await ctx?.close();
  if (mounted) execFileSync('umount', [disk]);
  tmp?.cleanup();
});

describe('files that cannot be written', () => {
  it('gives each its own clear error, leaves them byte-identical, writes the rest, and leaves no temporary file', async () => {
    // What happens to the files after the scan, before the write:
    chmodSync(p('b-readonly.mp3'), 0o444);
    unlinkSync(p('c-vanished.ogg'));
    appendFileSync(p('d-resized.mp3'), Buffer.alloc(10));
    const later = new Date(Date.now() + 5000);
    utimesSync(p('e-touched.m4a'), later, later);
    // Bit rot: same size, same mtime as scanned, but the FLAC header is gone.
    const fd = openSync(p('f-corrupt.flac'), 'r+');
    writeSync(fd, Buffer.from('XXXX'), 0, 4, 0);
    closeSync(fd);
    utimesSync(p('f-corrupt.flac'), wholeSecond, wholeSecond);
    // A temporary file from a writer killed earlier (its process is gone), and one of a writer still running.
    const dead = spawnSync('true').pid;
    const stale = p(`.a-ok.flac.genre-tagger-${dead}-0badf00d.tmp`);
    const live = p(`.z-ok.opus.genre-tagger-${process.ppid}-0badf00d.tmp`);
    writeFileSync(stale, 'half a file');
    writeFileSync(live, 'in use');

    const kept = new Map(['b-readonly.mp3', 'd-resized.mp3', 'e-touched.m4a', 'f-corrupt.flac'].map((n) => [n, sha1File(p(n))]));
    const fullBefore = sha1File(join(disk, 'full.wav'));

    const { jobId, batchId } = await api['tags.apply']({
      request: { selection: {}, source: 'genres', genres: ['Jazz'], mode: 'replace', id3v23Separator: '; ' },
    });
    const job = await ctx.jobs.wait(jobId);
    expect(job.status).toBe('done');
    const info = finishedResult(job, 'tag-write');
    const page = await api['tags.batch']({ id: batchId, offset: 0, limit: 100 });
    const byName = new Map<string, TagFileResult>(page.rows.map((r) => [r.path.slice(lib.length + 1), r]));

    expect(byName.get('b-readonly.mp3')).toMatchObject({ status: 'failed', errorCode: 'read_only', error: 'The file is read-only (no write permission is set)' });
    expect(byName.get('c-vanished.ogg')).toMatchObject({ status: 'failed', errorCode: 'missing', error: 'The file no longer exists' });
    expect(byName.get('d-resized.mp3')).toMatchObject({ status: 'failed', errorCode: 'changed', error: expect.stringMatching(/changed on disk since the last scan \(its size went from \d+ to \d+ bytes\); rescan it/) });
    expect(byName.get('e-touched.m4a')).toMatchObject({ status: 'failed', errorCode: 'changed', error: expect.stringMatching(/modification time changed/) });
    expect(byName.get('f-corrupt.flac')).toMatchObject({ status: 'failed', errorCode: 'unreadable', error: expect.stringMatching(/^The tags cannot be read/) });
    expect(byName.get('small-disk/full.wav')).toMatchObject({ status: 'failed', errorCode: 'disk_full', error: 'Not enough free space on the disk to write the new copy of the file' });
    for (const n of ['a-ok.flac', 'g-owned.mp3', 'h-link.opus', 'z-ok.opus']) expect(byName.get(n)?.status).toBe('written');
    expect(info.counts).toMatchObject({ written: 4, failed: 6 });

    for (const [n, sha] of kept) expect(sha1File(p(n))).toBe(sha);
    expect(sha1File(join(disk, 'full.wav'))).toBe(fullBefore);
    expect(statSync(p('b-readonly.mp3')).mode & 0o777).toBe(0o444);
    expect(existsSync(stale)).toBe(false);
    expect(tempFiles(lib)).toEqual([live]);
    unlinkSync(live);

    for (const n of ['a-ok.flac', 'g-owned.mp3', 'h-link.opus', 'z-ok.opus']) expect(await genresOf(p(n))).toEqual(['Jazz']);
    // Permissions and owner survive the replace; a symbolic link stays a link and its target is written.
    const owned = statSync(p('g-owned.mp3'));
    expect([owned.mode & 0o7777, owned.uid, owned.gid]).toEqual([0o640, 1234, 2345]);
    expect(lstatSync(p('h-link.opus')).isSymbolicLink()).toBe(true);
    expect(await genresOf(p('.store/target.opus'))).toEqual(['Jazz']);

    // The failures were per file: after a rescan the changed files can be written.
    chmodSync(p('b-readonly.mp3'), 0o644);
    const { jobId: scanJob } = await api['library.scan']({});
    await ctx.jobs.wait(scanJob);
    const again = await api['tags.apply']({
      request: { selection: { filter: { search: '-' } }, source: 'genres', genres: ['Jazz'], mode: 'replace', id3v23Separator: '; ' },
    });
    const second = finishedResult(await ctx.jobs.wait(again.jobId), 'tag-write');
    expect(second.counts.written).toBe(3); // b-readonly, d-resized, e-touched
    for (const n of ['b-readonly.mp3', 'd-resized.mp3', 'e-touched.m4a']) expect(await genresOf(p(n))).toEqual(['Jazz']);
  });
});
