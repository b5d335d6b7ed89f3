import { createHash } from 'node:crypto';
import { closeSync, copyFileSync, lstatSync, mkdirSync, openSync, readFileSync, realpathSync, renameSync, statSync, symlinkSync, utimesSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TagFileResult } from '../../../src/shared/api/tags.ts';
import { tagRequestSchema } from '../../../src/shared/api/tags.ts';
import { readGenreTag } from '../../../src/main/core/tags/genre-tag.ts';
import { describeRequest, planTagBatch } from '../../../src/main/core/tags/plan-tag-batch.ts';
import { runTagBatch } from '../../../src/main/core/tags/run-tag-batch.ts';
import { batchRows, createBatch, insertPlannedRows } from '../../../src/main/core/db/tag-journal.ts';
import { createAppContext } from '../../../src/main/services/app-context.ts';
import type { AppContext } from '../../../src/main/services/app-context.ts';
import { createHandlers } from '../../../src/main/services/handlers.ts';
import type { Handlers } from '../../../src/main/services/handler-set.ts';
import { makeTaggedFile } from '../../helpers/tag-fixtures.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { finishedResult } from '../../helpers/job-result.ts';

/**
 * Tag writes stay inside the library folders and write only the file that was scanned. Outside files are
 * checked by their sha256, which must not change: a file replaced after the scan by a link to an outside file
 * with the same size and mtime (swapped before the batch is planned, and after it was planned), a link to an
 * outside file that was there at scan time, a folder link leading outside, and a file whose bytes changed while
 * its size and mtime were put back. A link to another file inside the library is written through, and the
 * preview says which file changes.
 */

let tmp: ReturnType<typeof makeTempDir>;
let ctx: AppContext;
let api: Handlers;
let lib: string;
let outside: string;
const wholeSecond = Math.floor(Date.now() / 1000) - 3600;
const p = (name: string): string => join(lib, name);
const o = (name: string): string => join(outside, name);
const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');
const genresOf = async (path: string): Promise<string[]> => (await readGenreTag(new Uint8Array(readFileSync(path)), { id3v23Separator: '; ' })).genres;
const jazz = tagRequestSchema.parse({ source: 'genres', genres: ['Jazz'], mode: 'replace' });

/** Replaces a library file by a link to an outside copy with the same size and mtime as the scanned file. */
function swapForLink(name: string, victim: string): void {
  copyFileSync(p(name), victim);
  utimesSync(victim, wholeSecond, wholeSecond);
  renameSync(p(name), o(`${name}.original`));
  symlinkSync(victim, p(name));
  const st = statSync(p(name));
  expect([st.size, Math.floor(st.mtimeMs / 1000)]).toEqual([statSync(o(`${name}.original`)).size, wholeSecond]);
}

beforeAll(async () => {
  tmp = makeTempDir('gt-tag-links-');
  lib = join(tmp.dir, 'music');
  outside = join(tmp.dir, 'outside');
  mkdirSync(outside, { recursive: true });
  makeTaggedFile(p('a-swapped.mp3'), 'mp3', { genre: 'Rock' });
  makeTaggedFile(o('b-target.opus'), 'opus', { genre: 'Rock' });
  symlinkSync(o('b-target.opus'), p('b-link.opus'));
  makeTaggedFile(o('folder/c.flac'), 'flac', { genre: 'Rock' });
  symlinkSync(o('folder'), p('c-folder'));
  // A hidden folder is not scanned: the link is the only way the library reaches this file.
  makeTaggedFile(p('.store/d.ogg'), 'ogg', { genre: 'Rock' });
  symlinkSync(p('.store/d.ogg'), p('d-inside-link.ogg'));
  makeTaggedFile(p('e-rewritten.flac'), 'flac', { genre: 'Rock' });
  makeTaggedFile(p('f-swapped-late.m4a'), 'm4a', { genre: 'Rock' });
  makeTaggedFile(p('g-plain.mp3'), 'mp3v23', { genre: 'Rock' });
  for (const n of ['a-swapped.mp3', 'e-rewritten.flac', 'f-swapped-late.m4a']) utimesSync(p(n), wholeSecond, wholeSecond);
  ctx = createAppContext({ shell: 'cli', dbPath: join(tmp.dir, 'library.sqlite'), dataDir: join(tmp.dir, 'data') });
  api = createHandlers(ctx);
  const root = await api['library.addRoot']({ path: lib });
  const { jobId } = await api['library.scan']({ rootIds: [root.id] });
  expect((await ctx.jobs.wait(jobId)).status).toBe('done');
  const paths = ctx.db.prepare("SELECT path FROM tracks WHERE status = 'ok' ORDER BY path").pluck().all();
  expect(paths).toEqual(['a-swapped.mp3', 'b-link.opus', 'c-folder/c.flac', 'd-inside-link.ogg', 'e-rewritten.flac', 'f-swapped-late.m4a', 'g-plain.mp3'].map(p));
});

afterAll(async () => {
  await ctx?.close();
  tmp?.cleanup();
});

describe('tag writes and symbolic links', () => {
  it('refuses links leading outside the library and files whose content changed; writes through links inside it', async () => {
    const victim = o('a-victim.mp3');
    swapForLink('a-swapped.mp3', victim);
    // The middle of the file (where the audio is) rewritten, then the size and mtime put back.
    const size = statSync(p('e-rewritten.flac')).size;
    const fd = openSync(p('e-rewritten.flac'), 'r+');
    writeSync(fd, Buffer.alloc(64, 0x55), 0, 64, Math.floor(size / 2));
    closeSync(fd);
    utimesSync(p('e-rewritten.flac'), wholeSecond, wholeSecond);
    const outsideFiles = [victim, o('b-target.opus'), o('folder/c.flac')];
    const before = new Map([...outsideFiles, p('e-rewritten.flac')].map((f) => [f, sha256(f)]));

    const preview = await api['tags.preview']({ request: jazz, offset: 0, limit: 100 });
    const row = (name: string) => preview.rows.find((r) => r.path === p(name))!;
    for (const n of ['a-swapped.mp3', 'b-link.opus', 'c-folder/c.flac']) {
      expect(row(n)).toMatchObject({ action: 'skip', newGenres: ['Rock'], reason: expect.stringMatching(/symbolic link that leads outside the library folders/) });
    }
    expect(row('b-link.opus').reason).toContain(o('b-target.opus'));
    expect(row('d-inside-link.ogg')).toMatchObject({ action: 'write', linkTarget: realpathSync(p('.store/d.ogg')) });
    expect(row('g-plain.mp3')).toMatchObject({ action: 'write', linkTarget: null });

    const { jobId, batchId } = await api['tags.apply']({ request: jazz });
    const job = await ctx.jobs.wait(jobId);
    expect(job.status).toBe('done');
    const page = await api['tags.batch']({ id: batchId, offset: 0, limit: 100 });
    const byName = new Map<string, TagFileResult>(page.rows.map((r) => [r.path.slice(lib.length + 1), r]));
    for (const n of ['a-swapped.mp3', 'b-link.opus', 'c-folder/c.flac']) expect(byName.get(n)).toMatchObject({ status: 'skipped', errorCode: 'outside_library' });
    expect(byName.get('e-rewritten.flac')).toMatchObject({
      status: 'failed',
      errorCode: 'changed',
      error: expect.stringMatching(/^The content of the file changed since the last scan \(its size and modification time did not\)/),
    });
    for (const n of ['d-inside-link.ogg', 'f-swapped-late.m4a', 'g-plain.mp3']) expect(byName.get(n)?.status).toBe('written');
    expect(finishedResult(job, 'tag-write').counts).toMatchObject({ written: 3, failed: 1, skipped: 3 });

    for (const [f, sha] of before) expect(sha256(f), f).toBe(sha);
    expect(lstatSync(p('d-inside-link.ogg')).isSymbolicLink()).toBe(true);
    expect(await genresOf(p('.store/d.ogg'))).toEqual(['Jazz']);
  });

  it('refuses a link swapped in after the batch was planned, at the moment of the write', async () => {
    // A fresh scan, so the library's view of every file is current, and a batch planned while f is a plain file.
    const { jobId: scanJob } = await api['library.scan']({});
    await ctx.jobs.wait(scanJob);
    const request = tagRequestSchema.parse({ ...jazz, genres: ['Blues'], selection: { filter: { search: 'f-swapped-late' } } });
    const plan = planTagBatch(ctx.db, request).tracks;
    expect(plan.map((t) => [t.path, t.action])).toEqual([[p('f-swapped-late.m4a'), 'write']]);
    const batchId = createBatch(ctx.db, { kind: 'write', mode: request.mode, source: request.source, request, description: describeRequest(request, 1) });
    insertPlannedRows(ctx.db, batchId, plan, describeRequest(request, 1));

    // Same size and mtime as the library recorded after the previous write, same bytes even: only the place differs.
    const victim = o('f-victim.m4a');
    const st = statSync(p('f-swapped-late.m4a'));
    copyFileSync(p('f-swapped-late.m4a'), victim);
    utimesSync(victim, st.atime, st.mtime);
    renameSync(p('f-swapped-late.m4a'), o('f-swapped-late.m4a.original'));
    symlinkSync(victim, p('f-swapped-late.m4a'));
    const victimSha = sha256(victim);

    const info = await runTagBatch(ctx.db, batchId);
    expect(info.counts).toMatchObject({ written: 0, failed: 1 });
    expect(batchRows(ctx.db, batchId, 0, 10).rows[0]).toMatchObject({
      status: 'failed',
      errorCode: 'outside_library',
      error: expect.stringContaining(realpathSync(victim)),
    });
    expect(sha256(victim)).toBe(victimSha);
    expect(await genresOf(victim)).toEqual(['Jazz']);
  });
});
