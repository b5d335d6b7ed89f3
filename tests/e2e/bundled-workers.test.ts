import { execFileSync } from 'node:child_process';
import { appendFileSync, copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SHELL_LAUNCHER_NAME } from '../../src/main/core/audio/ffmpeg-shell-launcher.ts';
import { assembleDspModule } from '../../src/main/core/dsp/wasm/dsp-wasm.ts';
import { setShippedModelsDir } from '../../src/main/core/models/store/shipped-models-dir.ts';
import { currentBundleDir } from '../../src/main/core/runtime/current-bundle.ts';
import { setBundledEntryDir } from '../../src/main/core/runtime/entry-file-url.ts';
import { projectRoot } from '../../src/main/project-root.ts';
import { createAppContext } from '../../src/main/services/app-context.ts';
import { dispatch } from '../../src/main/services/dispatch.ts';
import { createHandlers } from '../../src/main/services/handlers.ts';
import { makeAudioFile } from '../helpers/audio-fixtures.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

// The Electron app runs its jobs, and the ffmpeg reader's thread and launcher, from the electron-vite bundle
// (out/main/**/*.js), not from the TypeScript sources. Electron's binary is not available here, so this drives
// the same services as the app's main process with the bundled entry files (built by the e2e global setup),
// nested workers included.
describe('jobs from the bundled entry files', () => {
  const tmp = makeTempDir();
  const bundle = join(projectRoot, 'out', 'main');
  afterAll(() => {
    setBundledEntryDir(null);
    setShippedModelsDir(null);
    tmp.cleanup();
  });

  it('scan, classification (with its pool of track workers) and a tag write all run', async () => {
    for (const name of ['scan', 'classify', 'classify-track', 'tag-write', 'train', 'evaluate']) {
      expect(existsSync(join(bundle, 'workers', `${name}.worker.js`)), name).toBe(true);
    }
    // What src/main/index.ts sets up before any job starts.
    setBundledEntryDir(bundle);
    setShippedModelsDir(join(projectRoot, 'models'));
    makeAudioFile(join(tmp.dir, 'Music/a.flac'), { format: 'flac', seconds: 4, tags: { title: 'A' } });
    makeAudioFile(join(tmp.dir, 'Music/b.mp3'), { format: 'mp3', seconds: 4, source: 'anoisesrc=amplitude=0.3' });
    const ctx = createAppContext({ shell: 'electron', dbPath: join(tmp.dir, 'lib.sqlite'), dataDir: tmp.dir });
    const api = createHandlers(ctx);
    try {
      const root = await api['library.addRoot']({ path: join(tmp.dir, 'Music') });
      const scan = await ctx.jobs.wait((await api['library.scan']({ rootIds: [root.id] })).jobId);
      expect(scan.status, scan.error ?? '').toBe('done');
      expect(scan.followUp, 'a scan is followed by a classification').not.toBeNull();
      const classify = await ctx.jobs.wait(scan.followUp!);
      expect(classify.status, classify.error ?? '').toBe('done');
      expect(ctx.db.prepare('SELECT count(*) FROM tracks WHERE predicted_genre IS NOT NULL').pluck().get()).toBe(2);
      const write = (await dispatch(api, 'tags.apply', { request: { selection: { trackIds: [1, 2] }, source: 'genres', genres: ['Jazz'], mode: 'replace' } })) as { jobId: string };
      const written = await ctx.jobs.wait(write.jobId);
      expect(written.status, written.error ?? '').toBe('done');
      expect(ctx.db.prepare("SELECT count(*) FROM tracks WHERE genre = 'Jazz'").pluck().get()).toBe(2);
    } finally {
      await ctx.close();
    }
  });

  it("carries the analysis engine's WASM kernels assembled at build time, byte for byte those the sources assemble", () => {
    const chunks = readdirSync(join(bundle, 'chunks')).map((f) => readFileSync(join(bundle, 'chunks', f), 'utf8'));
    for (const select of ['i32x4.relaxed_laneselect', 'v128.bitselect'] as const) {
      const found = chunks.flatMap((text) => [...text.matchAll(new RegExp(`"${select.replace('.', '\\.')}": "([A-Za-z0-9+/=]+)"`, 'g'))].map((m) => m[1]));
      expect(found, select).toHaveLength(1);
      expect(Buffer.from(found[0], 'base64').equals(Buffer.from(assembleDspModule(select))), select).toBe(true);
    }
  });

  it('the CLI takes the build only while every source it was built from, and the lock file, are unchanged', () => {
    // the build the e2e setup just made is current
    expect(currentBundleDir(projectRoot)).toBe(bundle);
    // a copy of the project: the files the build lists, the lock file and the stamp
    const copy = join(tmp.dir, 'project');
    const stamp = JSON.parse(readFileSync(join(bundle, 'source-files.json'), 'utf8')) as { files: Record<string, unknown> };
    const files = Object.keys(stamp.files);
    expect(files.length).toBeGreaterThan(200);
    expect(files).toContain('src/main/workers/classify-track.worker.ts');
    expect(files).toContain('src/main/core/audio/ffmpeg-read.thread.ts');
    for (const file of [...files, 'package-lock.json', 'out/main/source-files.json']) {
      mkdirSync(dirname(join(copy, file)), { recursive: true });
      copyFileSync(join(projectRoot, file), join(copy, file));
    }
    // copies have new mtimes: each is hashed, and all match
    expect(currentBundleDir(copy)).toBe(join(copy, 'out', 'main'));
    const engine = join(copy, 'src/main/core/dsp/fft.ts');
    const original = readFileSync(engine);
    // touched, same bytes: still current
    utimesSync(engine, new Date(), new Date(Date.now() + 60_000));
    expect(currentBundleDir(copy)).toBe(join(copy, 'out', 'main'));
    // one byte changed, same size: stale
    const edited = Buffer.from(original);
    edited[edited.length - 2] = edited[edited.length - 2] === 0x20 ? 0x21 : 0x20;
    writeFileSync(engine, edited);
    expect(currentBundleDir(copy)).toBeNull();
    writeFileSync(engine, original);
    expect(currentBundleDir(copy)).toBe(join(copy, 'out', 'main'));
    // other dependencies installed, a source gone, no build at all: stale
    writeFileSync(join(copy, 'package-lock.json'), `${readFileSync(join(copy, 'package-lock.json'), 'utf8')} `);
    expect(currentBundleDir(copy)).toBeNull();
    copyFileSync(join(projectRoot, 'package-lock.json'), join(copy, 'package-lock.json'));
    rmSync(join(copy, 'src/main/core/audio/decode-audio.ts'));
    expect(currentBundleDir(copy)).toBeNull();
    rmSync(join(copy, 'out'), { recursive: true });
    expect(currentBundleDir(copy)).toBeNull();
  });

  it('the CLI itself runs from the build while it is current (from source when GENRE_TAGGER_FROM_SOURCE=1), and classifies from it', () => {
    const cli = (args: string[], env: Record<string, string> = {}): string =>
      execFileSync(process.execPath, [join(projectRoot, 'bin/genre-tagger.js'), ...args], { env: { ...process.env, GENRE_TAGGER_HOME: tmp.dir, ...env }, encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'] });
    expect(cli(['--version']).trim()).toMatch(/^\d+\.\d+\.\d+ \(from the build\)$/);
    expect(cli(['--version'], { GENRE_TAGGER_FROM_SOURCE: '1' }).trim()).toMatch(/^\d+\.\d+\.\d+ \(from source\)$/);
    // the whole main job through the bundled command line: scan (tags read by the bundled music-metadata), classify, print
    makeAudioFile(join(tmp.dir, 'Cli/tagged.flac'), { format: 'flac', seconds: 4, tags: { title: 'Tagged', genre: 'Ambient' } });
    // the build knows the commit it was made from: no git runs (a git on the PATH that only leaves a mark)
    const fakeGit = join(tmp.dir, 'fake-git');
    mkdirSync(fakeGit, { recursive: true });
    writeFileSync(join(fakeGit, 'git'), `#!/bin/sh\necho "$@" >> ${JSON.stringify(join(fakeGit, 'ran'))}\nexit 1\n`, { mode: 0o755 });
    const out = cli(['classify', join(tmp.dir, 'Cli'), '--db', join(tmp.dir, 'cli.sqlite'), '--json', '--quiet'], { PATH: `${fakeGit}:${process.env.PATH}` });
    const rows = out.trim().split('\n').map((l) => JSON.parse(l) as { path: string; genre: string | null });
    expect(rows).toHaveLength(1);
    expect(rows[0].path).toBe(join(tmp.dir, 'Cli/tagged.flac'));
    expect(rows[0].genre).toEqual(expect.any(String));
    expect(existsSync(join(fakeGit, 'ran')), 'git ran').toBe(false);
    const { gitCommit } = JSON.parse(readFileSync(join(bundle, 'code-version.json'), 'utf8')) as { gitCommit: string | null };
    const real = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: projectRoot, encoding: 'utf8' }).trim();
    expect(gitCommit?.replace(/\+dirty$/, '')).toBe(real);
    const stored = new Database(join(tmp.dir, 'cli.sqlite'), { readonly: true });
    try {
      const version = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')).version as string;
      const engine = `${version}+${gitCommit!.slice(0, 12)}${gitCommit!.endsWith('+dirty') ? '+dirty' : ''}`;
      expect(stored.prepare('SELECT DISTINCT engine_version FROM track_analyses').pluck().all()).toEqual([engine]);
    } finally {
      stored.close();
    }
  });

  it('the CLI runs from source without a build, or with one that no longer matches the lock file', () => {
    // copies of the command in project folders that share this one's sources and dependencies
    const project = (name: string, build: 'none' | 'stale' | 'current'): string => {
      const dir = join(tmp.dir, name);
      mkdirSync(join(dir, 'bin'), { recursive: true });
      copyFileSync(join(projectRoot, 'bin/genre-tagger.js'), join(dir, 'bin/genre-tagger.js'));
      for (const shared of ['src', 'node_modules', 'package.json']) symlinkSync(join(projectRoot, shared), join(dir, shared));
      copyFileSync(join(projectRoot, 'package-lock.json'), join(dir, 'package-lock.json'));
      if (build !== 'none') cpSync(bundle, join(dir, 'out', 'main'), { recursive: true });
      if (build === 'stale') appendFileSync(join(dir, 'package-lock.json'), ' ');
      return dir;
    };
    const version = (dir: string): string =>
      execFileSync(process.execPath, [join(dir, 'bin/genre-tagger.js'), '--version'], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, GENRE_TAGGER_FROM_SOURCE: undefined } }).trim();
    expect(version(project('no-build', 'none'))).toMatch(/\(from source\)$/);
    expect(version(project('stale-build', 'stale'))).toMatch(/\(from source\)$/);
    expect(version(project('current-build', 'current'))).toMatch(/\(from the build\)$/);
  });

  it('decodes with the bundled ffmpeg reader thread, through the launcher shell, exactly as from source', () => {
    const file = join(tmp.dir, 'decode.mp3');
    // long enough that ffmpeg still runs when the probe looks for its parent at the first chunk
    makeAudioFile(file, { format: 'mp3', seconds: 60, source: 'anoisesrc=amplitude=0.3' });
    const probe = (...bundled: string[]): { samples: number; sha256: string; error: string | null; ffmpegParents: string[]; launcherArgs: string[][] } => {
      const env = { ...process.env };
      delete env.GENRE_TAGGER_FFMPEG_LAUNCHER;
      const out = execFileSync(process.execPath, [join(projectRoot, 'tests/helpers/decode-probe.ts'), 'decode', file, ...bundled], { env, encoding: 'utf8', timeout: 60_000 });
      return JSON.parse(out.trim().split('\n').pop()!);
    };
    const fromSource = probe();
    const fromBundle = probe(bundle);
    expect(fromBundle.error).toBeNull();
    expect(fromBundle.samples).toBeGreaterThan(0);
    expect({ samples: fromBundle.samples, sha256: fromBundle.sha256 }).toEqual({ samples: fromSource.samples, sha256: fromSource.sha256 });
    expect(fromBundle.ffmpegParents).toEqual(['below child sh']);
    expect(fromBundle.launcherArgs.map((args) => [args[0], args[3]])).toEqual([['/bin/sh', SHELL_LAUNCHER_NAME]]);
  });
});
