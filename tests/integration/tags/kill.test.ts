import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseBuffer } from 'music-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/main/core/db/database.ts';
import type { Database } from '../../../src/main/core/db/database.ts';
import { readGenreTag, renderGenreTag } from '../../../src/main/core/tags/genre-tag.ts';
import type { GenreSnapshot, GenreTarget } from '../../../src/main/core/tags/genre-tag.ts';
import { projectRoot } from '../../../src/main/project-root.ts';
import { createAppContext } from '../../../src/main/services/app-context.ts';
import { createHandlers } from '../../../src/main/services/handlers.ts';
import { extensionOf, makeTaggedFile } from '../../helpers/tag-fixtures.ts';
import type { TagFixtureFormat } from '../../helpers/tag-fixtures.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

/**
 * Fault injection: the real CLI (`genre-tagger tag --apply`, its writer in a worker thread) writes a batch of 50
 * files and is killed with SIGKILL at a random point: when a random number of files (0 to 49) is settled in the
 * journal, plus a random 0-8 ms, so kills land in planning, reading, temp writing, the journal commit, the rename
 * and the library update. After each kill every file must be byte-identical either to its version before the run
 * or to the fully written version (computed independently of the killed process), and `genre-tagger undo` must
 * bring every file back to exactly its old genre field. One more run kills the undo itself, then finishes it.
 *
 * TAG_KILL_RUNS (default 3) sets the number of killed writes, TAG_KILL_SEED the random seed (printed);
 * `npm run test:soak:tags` runs 40.
 */

const runs = Number(process.env.TAG_KILL_RUNS ?? 3);
const seed = Number(process.env.TAG_KILL_SEED ?? Math.floor(Math.random() * 2 ** 31));
const formats: TagFixtureFormat[] = ['mp3', 'mp3v23', 'flac', 'ogg', 'm4a'];
const options = { id3v23Separator: '; ' };
const newGenres = ['Jazz', 'Blues'];
const bin = join(projectRoot, 'bin', 'genre-tagger.js');

/** mulberry32: a small seeded generator, so a failing run can be replayed with TAG_KILL_SEED. */
function random(s: number): () => number {
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = random(seed);
const sha = (b: Uint8Array): string => createHash('sha1').update(b).digest('hex');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let tmp: ReturnType<typeof makeTempDir>;
let lib: string;
let dbPath: string;
let files: string[];
let reader: Database;
const outcomes: string[] = [];

interface FileState {
  sha: string;
  genres: string[];
  snapshot: GenreSnapshot;
  /**
   * Every native tag music-metadata reads, pictures by hash: the whole tag content. Sorted, with Vorbis field
   * names upper-cased: TagLib writes fields in its own order and names (the format treats both as insignificant).
   */
  tags: string[];
}

async function stateOf(path: string): Promise<FileState> {
  const bytes = new Uint8Array(readFileSync(path));
  const tag = await readGenreTag(bytes, options);
  const meta = await parseBuffer(bytes, undefined, { duration: false });
  const tags = Object.entries(meta.native).flatMap(([type, list]) =>
    list.map((t) => `${type} ${type === 'vorbis' ? t.id.toUpperCase() : t.id}=${JSON.stringify(t.value, (_k, v: unknown) => (v instanceof Uint8Array ? sha(v) : v))}`),
  );
  return { sha: sha(bytes), genres: tag.genres, snapshot: tag.snapshot, tags: tags.sort() };
}

/** The hash a file must have once `target` is fully written into it, rendered here, independently of the CLI. */
async function shaAfter(path: string, target: GenreTarget): Promise<string> {
  const bytes = new Uint8Array(readFileSync(path));
  return sha(await renderGenreTag(bytes, await readGenreTag(bytes, options), target, options));
}

function tempFiles(): string[] {
  return readdirSync(lib).filter((n) => n.includes('.genre-tagger-'));
}

function cli(args: string[]): ChildProcess & { done: Promise<{ code: number | null; signal: string | null; out: string }> } {
  const child = spawn(process.execPath, [bin, ...args, '--db', dbPath, '--quiet'], {
    env: { ...process.env, GENRE_TAGGER_HOME: join(tmp.dir, 'home') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const done = new Promise<{ code: number | null; signal: string | null; out: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, out })),
  );
  return Object.assign(child, { done });
}

function newestBatch(): number {
  return (reader.prepare('SELECT max(id) FROM tag_batches').pluck().get() as number | null) ?? 0;
}

/**
 * Starts a CLI run and SIGKILLs it once `settled` files of its batch are settled, plus 0-8 ms. Returns the batch
 * id and whether the kill landed before the process ended by itself.
 */
async function killDuring(args: string[], settled: number): Promise<{ batchId: number; killed: boolean; writingAtKill: number }> {
  const before = newestBatch();
  const child = cli(args);
  let batchId: number;
  let exited = false;
  void child.done.then(() => (exited = true));
  for (;;) {
    if (exited) break;
    batchId = newestBatch();
    if (batchId > before) {
      const n = reader
        .prepare(`SELECT count(*) FROM tag_writes WHERE batch_id = ? AND status IN ('written', 'unchanged', 'failed', 'skipped')`)
        .pluck()
        .get(batchId) as number;
      if (n >= settled) break;
    }
    await sleep(1);
  }
  await sleep(Math.floor(rand() * 9));
  const killed = !exited && child.kill('SIGKILL');
  await child.done;
  batchId = newestBatch();
  const writingAtKill = reader.prepare(`SELECT count(*) FROM tag_writes WHERE batch_id = ? AND status = 'writing'`).pluck().get(batchId) as number;
  return { batchId, killed, writingAtKill };
}

async function expectBackTo(before: Map<string, FileState>): Promise<void> {
  for (const f of files) {
    const now = await stateOf(f);
    const old = before.get(f)!;
    expect(now.genres).toEqual(old.genres);
    expect(now.snapshot).toEqual(old.snapshot);
    expect(now.tags).toEqual(old.tags);
    const row = reader.prepare('SELECT genres_json, size, mtime_ms FROM tracks WHERE path = ?').get(f) as { genres_json: string; size: number; mtime_ms: number };
    const st = statSync(f);
    expect([JSON.parse(row.genres_json), row.size, row.mtime_ms]).toEqual([old.genres, st.size, Math.floor(st.mtimeMs)]);
  }
  expect(tempFiles()).toEqual([]);
}

beforeAll(async () => {
  tmp = makeTempDir('gt-tag-kill-');
  lib = join(tmp.dir, 'music');
  dbPath = join(tmp.dir, 'library.sqlite');
  const masters = formats.map((f) => makeTaggedFile(join(tmp.dir, 'masters', `${f}.${extensionOf[f]}`), f, { genre: 'Rock' }));
  files = [];
  mkdirSync(lib, { recursive: true });
  for (let i = 0; i < 50; i++) {
    const master = masters[i % masters.length];
    const path = join(lib, `${String(i).padStart(2, '0')}-${formats[i % formats.length]}.${master.split('.').pop()}`);
    copyFileSync(master, path);
    files.push(path);
  }
  const ctx = createAppContext({ shell: 'cli', dbPath, dataDir: join(tmp.dir, 'home') });
  const api = createHandlers(ctx);
  const root = await api['library.addRoot']({ path: lib });
  const { jobId } = await api['library.scan']({ rootIds: [root.id] });
  expect((await ctx.jobs.wait(jobId)).result).toMatchObject({ added: 50 });
  await ctx.close();
  reader = openDatabase(dbPath, { readonly: true, migrate: false });
  console.log(`tag kill test: seed ${seed} (TAG_KILL_SEED=${seed} replays it), ${runs} killed writes`);
});

afterAll(() => {
  reader?.close();
  tmp?.cleanup();
  if (outcomes.length > 0) console.log(`tag kill test outcomes (seed ${seed}):\n  ${outcomes.join('\n  ')}`);
});

describe('SIGKILL during a batch of 50 files', () => {
  it(`leaves every file old or fully written, and undo still works (${runs} runs)`, async () => {
    for (let run = 1; run <= runs; run++) {
      const before = new Map<string, FileState>();
      const written = new Map<string, string>();
      for (const f of files) {
        before.set(f, await stateOf(f));
        written.set(f, await shaAfter(f, { genres: newGenres }));
      }
      const settled = Math.floor(rand() * 50);
      const { batchId, killed, writingAtKill } = await killDuring(['tag', '--apply', '--genre', 'Jazz', '--genre', 'Blues', '--path', lib], settled);
      let nNew = 0;
      for (const f of files) {
        const now = sha(readFileSync(f));
        const ok = now === before.get(f)!.sha || now === written.get(f);
        expect(ok, `${f} is neither its old nor its fully written version after the kill`).toBe(true);
        if (now === written.get(f)) nNew++;
      }
      const temps = tempFiles().length;
      const undo = await cli(['undo', String(batchId)]).done;
      if (nNew > 0) expect(undo.code, undo.out).toBe(0);
      else expect(undo.out).toMatch(/nothing to undo/);
      outcomes.push(
        `write run ${run}: kill after ${settled} settled files${killed ? '' : ' (the process had already finished)'}: ` +
          `${nNew} files new, ${50 - nNew} old, ${writingAtKill} journal rows mid-write, ${temps} temp files left; undo ${undo.code === 0 ? 'restored them' : 'had nothing to do'}`,
      );
      await expectBackTo(before);
    }
  });

  it('kills an undo half-way; running the undo again finishes it exactly', async () => {
    const before = new Map<string, FileState>();
    for (const f of files) before.set(f, await stateOf(f));
    const apply = await cli(['tag', '--apply', '--genre', 'Jazz', '--genre', 'Blues', '--path', lib]).done;
    expect(apply.code, apply.out).toBe(0);
    const batchId = newestBatch();
    const written = new Map<string, string>();
    const undone = new Map<string, string>();
    for (const f of files) {
      written.set(f, sha(readFileSync(f)));
      undone.set(f, await shaAfter(f, { snapshot: before.get(f)!.snapshot }));
    }
    const settled = 1 + Math.floor(rand() * 48);
    const { killed } = await killDuring(['undo', String(batchId)], settled);
    let nUndone = 0;
    for (const f of files) {
      const now = sha(readFileSync(f));
      expect(now === written.get(f) || now === undone.get(f), `${f} is neither written nor undone after the kill`).toBe(true);
      if (now === undone.get(f)) nUndone++;
    }
    const again = await cli(['undo', String(batchId)]).done;
    if (nUndone < 50) expect(again.code, again.out).toBe(0);
    else expect(again.out).toMatch(/undone already/);
    outcomes.push(`undo run: kill after ${settled} settled files${killed ? '' : ' (already finished)'}: ${nUndone} undone, ${50 - nUndone} still written; second undo finished it`);
    await expectBackTo(before);
  });
});
