import { copyFileSync, cpSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { JobInfo } from '../../../src/shared/api/jobs.ts';
import type { ScanSummary } from '../../../src/shared/api/library.ts';
import type { TagFileResult } from '../../../src/shared/api/tags.ts';
import { ApiError } from '../../../src/shared/errors.ts';
import { readTrackMetadata } from '../../../src/main/core/scan/read-track-metadata.ts';
import { readGenreTag } from '../../../src/main/core/tags/genre-tag.ts';
import type { GenreSnapshot } from '../../../src/main/core/tags/genre-tag.ts';
import { createAppContext } from '../../../src/main/services/app-context.ts';
import type { AppContext } from '../../../src/main/services/app-context.ts';
import { createHandlers } from '../../../src/main/services/handlers.ts';
import type { Handlers } from '../../../src/main/services/handler-set.ts';
import { makeAudioFile } from '../../helpers/audio-fixtures.ts';
import { makeTaggedFile, sha1File } from '../../helpers/tag-fixtures.ts';
import { runCli } from '../../helpers/run-cli.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { finishedResult } from '../../helpers/job-result.ts';

let tmp: ReturnType<typeof makeTempDir>;
let ctx: AppContext;
let api: Handlers;
let lib: string;

const options = { id3v23Separator: '; ' };
const p = (name: string): string => join(lib, name);

async function fileTag(path: string): Promise<{ genres: string[]; snapshot: GenreSnapshot }> {
  return readGenreTag(new Uint8Array(readFileSync(path)), options);
}

async function scan(): Promise<ScanSummary> {
  const root = await api['library.addRoot']({ path: lib });
  const { jobId } = await api['library.scan']({ rootIds: [root.id] });
  const job = await ctx.jobs.wait(jobId);
  expect(job.status).toBe('done');
  return finishedResult(job, 'scan');
}

function trackId(name: string): number {
  return ctx.db.prepare('SELECT id FROM tracks WHERE path = ?').pluck().get(p(name)) as number;
}

function dbGenres(name: string): string[] {
  return JSON.parse(ctx.db.prepare('SELECT genres_json FROM tracks WHERE path = ?').pluck().get(p(name)) as string) as string[];
}

/** Waits for a tag job and collects what the UI would have seen: progress events and per-file results. */
async function follow(start: Promise<{ jobId: string; batchId: number }> | { jobId: string; batchId: number }): Promise<{ job: JobInfo; batchId: number; results: TagFileResult[]; progress: JobInfo[] }> {
  const results: TagFileResult[] = [];
  const progress: JobInfo[] = [];
  const offResults = ctx.events.on('tags.results', (e) => results.push(...e.results));
  const offProgress = ctx.events.on('job.progress', (j) => progress.push(j));
  try {
    const { jobId, batchId } = await start;
    const job = await ctx.jobs.wait(jobId);
    // The last results are relayed once the job has settled.
    await new Promise((r) => setTimeout(r, 50));
    return { job, batchId, results, progress: progress.filter((j) => j.id === jobId) };
  } finally {
    offResults();
    offProgress();
  }
}

let masters: ReturnType<typeof makeTempDir>;

beforeAll(() => {
  masters = makeTempDir('gt-tag-service-masters-');
  const m = (name: string): string => join(masters.dir, name);
  makeTaggedFile(m('a.mp3'), 'mp3', { genre: 'Rock', cover: false });
  makeTaggedFile(m('b.flac'), 'flac', { genre: null, cover: false });
  makeTaggedFile(m('c.m4a'), 'm4a', { genre: 'Rock', cover: false });
  makeTaggedFile(m('d.ogg'), 'ogg', { genre: 'Rock', cover: false });
  makeTaggedFile(m('e.mp3'), 'mp3v23', { genre: 'Pop', cover: false });
  makeAudioFile(m('f.wma'), { format: 'wma', seconds: 1, tags: { genre: 'Rock' } });
  writeFileSync(m('g.mp3'), 'not audio at all');
});

afterAll(() => masters?.cleanup());

beforeEach(async () => {
  tmp = makeTempDir('gt-tag-service-');
  lib = join(tmp.dir, 'music');
  cpSync(masters.dir, lib, { recursive: true });
  ctx = createAppContext({ shell: 'cli', dbPath: join(tmp.dir, 'library.sqlite'), dataDir: join(tmp.dir, 'data') });
  api = createHandlers(ctx);
  await scan();
  // Predictions as the ML work will leave them in the row.
  ctx.db.prepare('UPDATE tracks SET predicted_genre = ?, predicted_confidence = ? WHERE path = ?').run('hiphop', 0.91, p('d.ogg'));
  ctx.db.prepare('UPDATE tracks SET predicted_genre = ?, predicted_confidence = ? WHERE path = ?').run('jazz', 0.42, p('a.mp3'));
});

afterEach(async () => {
  await ctx?.close();
  tmp?.cleanup();
});

describe('tag write-back service', () => {
  it('previews old and new genres and the frame per file, touching nothing', async () => {
    const before = ['a.mp3', 'b.flac', 'c.m4a', 'd.ogg', 'e.mp3'].map((n) => [sha1File(p(n)), statSync(p(n)).mtimeMs]);
    const preview = await api['tags.preview']({ request: { selection: {}, source: 'genres', genres: ['Hip-Hop', 'Jazz'], mode: 'replace', id3v23Separator: '; ' }, offset: 0, limit: 100 });
    expect(preview.total).toBe(7);
    expect(preview.counts).toEqual({ write: 5, unchanged: 0, skip: 2 });
    const byName = new Map(preview.rows.map((r) => [r.path.slice(lib.length + 1), r]));
    expect(byName.get('a.mp3')).toMatchObject({ action: 'write', oldGenres: ['Rock'], newGenres: ['Hip Hop', 'Jazz'], frame: 'ID3v2.4 TCON' });
    expect(byName.get('e.mp3')).toMatchObject({ action: 'write', oldGenres: ['Pop'], frame: 'ID3v2.3 TCON' });
    expect(byName.get('b.flac')).toMatchObject({ oldGenres: [], frame: 'Vorbis comment GENRE' });
    expect(byName.get('c.m4a')?.frame).toBe('MP4 ©gen');
    expect(byName.get('f.wma')).toMatchObject({ action: 'skip', reason: expect.stringMatching(/WMA files is not supported/) });
    expect(byName.get('g.mp3')).toMatchObject({ action: 'skip', reason: expect.stringMatching(/could not be read at the last scan/) });
    const after = ['a.mp3', 'b.flac', 'c.m4a', 'd.ogg', 'e.mp3'].map((n) => [sha1File(p(n)), statSync(p(n)).mtimeMs]);
    expect(after).toEqual(before);
    const page = await api['tags.preview']({ request: { selection: {}, source: 'genres', genres: ['Jazz'], mode: 'fill', id3v23Separator: '; ' }, offset: 1, limit: 2 });
    expect(page.counts).toEqual({ write: 1, unchanged: 4, skip: 2 });
    expect(page.rows.map((r) => r.path)).toEqual([p('b.flac'), p('c.m4a')]);
  });

  it('applies as a job with progress and per-file results, keeps the library in step, and undoes exactly', async () => {
    const before = new Map<string, { genres: string[]; snapshot: GenreSnapshot }>();
    for (const n of ['a.mp3', 'b.flac', 'c.m4a', 'd.ogg', 'e.mp3']) before.set(n, await fileTag(p(n)));
    const ids = ['a.mp3', 'b.flac', 'c.m4a', 'd.ogg', 'e.mp3', 'f.wma'].map(trackId);

    const run = await follow(api['tags.apply']({ request: { selection: { trackIds: ids }, source: 'genres', genres: ['Hip Hop', 'Jazz'], mode: 'replace', id3v23Separator: '; ' } }));
    expect(run.job.status).toBe('done');
    expect(run.job.kind).toBe('tag-write');
    expect(run.progress.at(-1)).toMatchObject({ status: 'done', done: 5, total: 5 });
    const info = finishedResult(run.job, 'tag-write');
    expect(info.counts).toMatchObject({ planned: 5, written: 5, skipped: 1, failed: 0, pending: 0 });
    // Every file's result, in file order, each once.
    expect(run.results.map((r) => r.path)).toEqual(['a.mp3', 'b.flac', 'c.m4a', 'd.ogg', 'e.mp3', 'f.wma'].map(p));
    expect(run.results.find((r) => r.path === p('b.flac'))).toMatchObject({ status: 'written', oldGenres: [], newGenres: ['Hip Hop', 'Jazz'], frame: 'Vorbis comment GENRE' });
    expect(run.results.find((r) => r.path === p('f.wma'))).toMatchObject({ status: 'skipped', errorCode: 'unsupported' });

    for (const n of ['a.mp3', 'b.flac', 'c.m4a', 'd.ogg', 'e.mp3']) {
      expect((await fileTag(p(n))).genres).toEqual(['Hip Hop', 'Jazz']);
      // The library row follows the file, as the scanner would read it.
      expect(dbGenres(n)).toEqual(['Hip Hop', 'Jazz']);
      expect((await readTrackMetadata(p(n), statSync(p(n)).size)).genres).toEqual(dbGenres(n));
    }
    // The genre column and text search follow too (the scanner's "; " join; the FTS index by its trigger).
    expect(ctx.db.prepare('SELECT genre FROM tracks WHERE path = ?').pluck().get(p('e.mp3'))).toBe('Hip Hop; Jazz');
    expect((await api['library.query']({ search: 'Hip Hop', offset: 0, limit: 100, sort: 'path', dir: 'asc' })).rows.map((r) => r.path).sort()).toEqual(['a.mp3', 'b.flac', 'c.m4a', 'd.ogg', 'e.mp3'].map(p));
    const versions = ctx.db.prepare('SELECT content_version FROM tracks ORDER BY id').pluck().all();
    const rescan = await scan();
    expect(rescan).toMatchObject({ added: 0, changed: 0, moved: 0, unchanged: 7 });
    expect(ctx.db.prepare('SELECT content_version FROM tracks ORDER BY id').pluck().all()).toEqual(versions);

    const history = await api['tags.history']({ offset: 0, limit: 10 });
    expect(history.batches[0]).toMatchObject({ id: run.batchId, kind: 'write', status: 'done', canUndo: true, description: 'Replace genres with Hip Hop, Jazz (5 files)' });
    const page = await api['tags.batch']({ id: run.batchId, offset: 0, limit: 10, status: ['skipped'] });
    expect(page.total).toBe(1);

    const undo = await follow(api['tags.undo']({ batchId: run.batchId }));
    expect(undo.job).toMatchObject({ status: 'done', kind: 'tag-undo' });
    expect(finishedResult(undo.job, 'tag-undo').counts).toMatchObject({ written: 5, failed: 0 });
    for (const [n, old] of before) {
      const now = await fileTag(p(n));
      expect(now.genres).toEqual(old.genres);
      expect(now.snapshot).toEqual(old.snapshot); // exactly the old frame, "no genre" included (b.flac)
      expect(dbGenres(n)).toEqual(old.genres);
    }
    expect((await scan()).unchanged).toBe(7);
    const after = await api['tags.history']({ offset: 0, limit: 10 });
    expect(after.batches.find((b) => b.id === run.batchId)).toMatchObject({ canUndo: false, counts: { undone: 5 } });
    await expect(api['tags.undo']({ batchId: run.batchId })).rejects.toThrow(/undone already/);

    // Undoing the undo writes the genres again.
    const redo = await follow(api['tags.undo']({ batchId: undo.batchId }));
    expect(finishedResult(redo.job, 'tag-undo').counts.written).toBe(5);
    expect((await fileTag(p('b.flac'))).genres).toEqual(['Hip Hop', 'Jazz']);
  });

  it('undo leaves a file alone whose genre was changed after the write', async () => {
    const run = await follow(api['tags.apply']({ request: { selection: { trackIds: [trackId('a.mp3'), trackId('d.ogg')] }, source: 'genres', genres: ['Jazz'], mode: 'replace', id3v23Separator: '; ' } }));
    expect(finishedResult(run.job, 'tag-write').counts.written).toBe(2);
    // Someone retags d.ogg in another program, and the library sees it.
    const other = await follow(api['tags.apply']({ request: { selection: { trackIds: [trackId('d.ogg')] }, source: 'genres', genres: ['Techno'], mode: 'replace', id3v23Separator: '; ' } }));
    expect(finishedResult(other.job, 'tag-write').counts.written).toBe(1);
    const undo = await follow(api['tags.undo']({ batchId: run.batchId }));
    expect(undo.results.find((r) => r.path === p('d.ogg'))).toMatchObject({ status: 'failed', errorCode: 'conflict', error: expect.stringMatching(/changed after the write.*Techno/) });
    expect((await fileTag(p('d.ogg'))).genres).toEqual(['Techno']);
    expect((await fileTag(p('a.mp3'))).genres).toEqual(['Rock']);
  });

  it('writes accepted predictions above a confidence threshold, through the taxonomy, and labels before predictions', async () => {
    const preview = await api['tags.preview']({ request: { selection: { minConfidence: 0.8 }, source: 'prediction', mode: 'replace', id3v23Separator: '; ' }, offset: 0, limit: 10 });
    expect(preview.rows).toHaveLength(1);
    expect(preview.rows[0]).toMatchObject({ path: p('d.ogg'), newGenres: ['Hip Hop'], source: 'prediction', confidence: 0.91 });
    // the other six files are left out: a.mp3 (0.42) for its confidence; four without a prediction and the
    // unreadable g.mp3 for having none, counted apart (a floor of 0 still leaves them out, and says why)
    expect(preview).toMatchObject({ total: 1, belowConfidence: 1, unpredicted: 5 });
    const zero = await api['tags.preview']({ request: { selection: { minConfidence: 0 }, source: 'prediction', mode: 'replace', id3v23Separator: '; ' }, offset: 0, limit: 10 });
    expect(zero).toMatchObject({ total: 2, belowConfidence: 0, unpredicted: 5 });
    const all = await api['tags.preview']({ request: { selection: {}, source: 'prediction', mode: 'replace', id3v23Separator: '; ' }, offset: 0, limit: 10 });
    expect(all).toMatchObject({ total: 7, belowConfidence: 0, unpredicted: 0 });
    // the command's preview says the same in words
    const cli = await runCli(['tag', '--dry-run', '--source', 'prediction', '--min-confidence', '0.8', '--db', join(tmp.dir, 'library.sqlite')], {
      env: { GENRE_TAGGER_HOME: join(tmp.dir, 'data') },
    });
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toContain('Preview of 1 track: 1 to write, 0 unchanged, 0 skipped; 1 more left out, not predicted at least 80% sure; 5 more left out, with no prediction.');
    const raw = await api['tags.preview']({ request: { selection: { minConfidence: 0.8 }, source: 'prediction', mode: 'replace', taxonomy: null, id3v23Separator: '; ' }, offset: 0, limit: 10 });
    expect(raw.rows[0].newGenres).toEqual(['hiphop']);

    expect(() => api['labels.set']({ trackIds: [trackId('a.mp3'), 999_999], genres: ['Ambient'], source: 'corrected' })).toThrow(ApiError);
    expect(await api['labels.get']({ trackIds: [trackId('a.mp3')] })).toEqual([]);
    expect(await api['labels.set']({ trackIds: [trackId('a.mp3')], genres: ['Ambient', 'Drone'], source: 'corrected' })).toEqual({ updated: 1 });
    const [label] = await api['labels.get']({ trackIds: [trackId('a.mp3')] });
    expect(label).toMatchObject({ genres: ['Ambient', 'Drone'], source: 'corrected' });

    // a.mp3's prediction (0.42) is below the threshold, but its label is a person's word and is written.
    const run = await follow(api['tags.apply']({ request: { selection: { minConfidence: 0.8 }, source: 'label-or-prediction', mode: 'add', id3v23Separator: '; ' } }));
    expect(finishedResult(run.job, 'tag-write').counts).toMatchObject({ written: 2, failed: 0 });
    expect((await fileTag(p('a.mp3'))).genres).toEqual(['Rock', 'Ambient', 'Drone']);
    expect((await fileTag(p('d.ogg'))).genres).toEqual(['Rock', 'Hip Hop']);

    expect(await api['labels.clear']({ trackIds: [trackId('a.mp3')] })).toEqual({ cleared: 1 });
    const none = await api['tags.preview']({ request: { selection: { trackIds: [trackId('a.mp3')] }, source: 'label', mode: 'replace', id3v23Separator: '; ' }, offset: 0, limit: 10 });
    expect(none.rows[0]).toMatchObject({ action: 'skip', reason: 'No label for this track' });
  });

  it('selects by library filter and honours unticked tracks', async () => {
    const preview = await api['tags.preview']({
      request: { selection: { filter: { search: 'mp3' }, excludeTrackIds: [trackId('e.mp3')] }, source: 'genres', genres: ['Jazz'], mode: 'replace', id3v23Separator: '; ' },
      offset: 0,
      limit: 10,
    });
    expect(preview.rows.map((r) => r.path)).toEqual([p('a.mp3'), p('g.mp3')]);
  });

  it('cancels between two files: every file is old or new, and the counts add up', async () => {
    mkdirSync(p('many'));
    for (let i = 0; i < 24; i++) copyFileSync(p('d.ogg'), p(`many/${String(i).padStart(2, '0')}.ogg`));
    await scan();
    const { jobId, batchId } = await api['tags.apply']({ request: { selection: { filter: { folder: p('many') } }, source: 'genres', genres: ['Jazz'], mode: 'replace', id3v23Separator: '; ' } });
    await api['jobs.cancel']({ id: jobId });
    const job = await ctx.jobs.wait(jobId);
    expect(job.status).toBe('cancelled');
    const page = await api['tags.batch']({ id: batchId, offset: 0, limit: 100 });
    expect(page.batch.status).toBe('cancelled');
    expect(page.batch.counts.written + page.batch.counts.pending).toBe(24);
    expect(page.batch.counts.pending).toBeGreaterThan(0);
    for (const r of page.rows) {
      expect((await fileTag(r.path)).genres).toEqual(r.status === 'written' ? ['Jazz'] : ['Rock']);
    }
  });
});
