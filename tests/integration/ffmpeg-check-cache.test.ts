import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FFMPEG_CHECK_MAX_AGE_MS, setFfmpegCheckFile } from '../../src/main/core/audio/ffmpeg-check-cache.ts';
import { locateFfmpeg, locateFfmpegAsync, setPackagedBinDir } from '../../src/main/core/audio/locate-ffmpeg.ts';
import { makeAudioFile } from '../helpers/audio-fixtures.ts';
import { runCli } from '../helpers/run-cli.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

const tmp = makeTempDir('genre-tagger-ffmpeg-check-');
const realFfmpeg = execFileSync('sh', ['-c', 'command -v ffmpeg'], { encoding: 'utf8' }).trim();
const realVersion = /ffmpeg version (\S+)/.exec(execFileSync(realFfmpeg, ['-hide_banner', '-version'], { encoding: 'utf8' }))![1];
const log = join(tmp.dir, 'ffmpeg-runs.log');
const wrapper = join(tmp.dir, 'bin', 'ffmpeg');
const checkFile = join(tmp.dir, 'home', 'ffmpeg-check.json');

/** A real ffmpeg behind a script that notes each start and its arguments. */
function writeWrapper(extra = ''): void {
  execFileSync('mkdir', ['-p', join(tmp.dir, 'bin')]);
  writeFileSync(wrapper, `#!/bin/sh\n# ${extra}\necho "$*" >> '${log}'\nexec '${realFfmpeg}' "$@"\n`, { mode: 0o755 });
}
/** How many times ffmpeg was asked for its version so far. */
function versionRuns(): number {
  return existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter((l) => l.includes('-version')).length : 0;
}
const env = { FFMPEG_PATH: wrapper, PATH: '' };

beforeAll(() => writeWrapper());
afterEach(() => setFfmpegCheckFile(null));
afterAll(() => tmp.cleanup());

describe('ffmpeg found once, remembered in the data folder (a real ffmpeg, a real file)', () => {
  it('asks ffmpeg for its version once, then takes the kept answer while the executable is the same file', () => {
    setFfmpegCheckFile(null);
    const before = versionRuns();
    expect(locateFfmpeg(env)?.version).toBe(realVersion);
    expect(locateFfmpeg(env)?.version).toBe(realVersion);
    expect(versionRuns() - before, 'without a data folder, every look asks').toBe(2);

    setFfmpegCheckFile(checkFile);
    const first = locateFfmpeg(env);
    expect(first).toEqual({ path: wrapper, version: realVersion, source: 'env' });
    expect(JSON.parse(readFileSync(checkFile, 'utf8'))).toMatchObject({ path: wrapper, version: realVersion });
    const asked = versionRuns();
    expect(locateFfmpeg(env)).toEqual(first);
    expect(locateFfmpeg(env)).toEqual(first);
    expect(versionRuns(), 'the kept answer is used').toBe(asked);
  });

  it('asks again when the executable changed, the answer is a day old, the file is damaged or names another ffmpeg', () => {
    setFfmpegCheckFile(checkFile);
    locateFfmpeg(env);
    let asked = versionRuns();

    writeWrapper('upgraded'); // another file at the same path: size, times
    expect(locateFfmpeg(env)?.version).toBe(realVersion);
    expect(versionRuns()).toBe(++asked);
    const t = new Date(Date.now() - 60_000);
    utimesSync(wrapper, t, t); // the same bytes, touched
    locateFfmpeg(env);
    expect(versionRuns()).toBe(++asked);
    locateFfmpeg(env);
    expect(versionRuns(), 'and remembered again').toBe(asked);

    const kept = JSON.parse(readFileSync(checkFile, 'utf8')) as { checkedAt: number };
    writeFileSync(checkFile, JSON.stringify({ ...kept, checkedAt: Date.now() - FFMPEG_CHECK_MAX_AGE_MS - 1000 }));
    locateFfmpeg(env);
    expect(versionRuns(), 'older than a day').toBe(++asked);
    writeFileSync(checkFile, JSON.stringify({ ...kept, checkedAt: Date.now() + 3_600_000 }));
    locateFfmpeg(env);
    expect(versionRuns(), 'checked "in the future": the clock moved').toBe(++asked);

    writeFileSync(checkFile, '{"path": "/usr/bin/ffm');
    expect(locateFfmpeg(env)?.version).toBe(realVersion);
    expect(versionRuns(), 'damaged').toBe(++asked);
    expect(JSON.parse(readFileSync(checkFile, 'utf8'))).toMatchObject({ path: wrapper });

    writeFileSync(checkFile, JSON.stringify({ ...JSON.parse(readFileSync(checkFile, 'utf8')), path: realFfmpeg }));
    locateFfmpeg(env);
    expect(versionRuns(), 'another executable').toBe(asked + 1);
  });

  it('a data folder that cannot be written only means asking every time', () => {
    setFfmpegCheckFile(join(wrapper, 'not-a-folder', 'ffmpeg-check.json'));
    const asked = versionRuns();
    expect(locateFfmpeg(env)?.version).toBe(realVersion);
    expect(locateFfmpeg(env)?.version).toBe(realVersion);
    expect(versionRuns()).toBe(asked + 2);
  });

  it('the asynchronous look (the command and the workers) keeps and takes the same answer', async () => {
    const saved = process.env.FFMPEG_PATH;
    process.env.FFMPEG_PATH = wrapper;
    try {
      setFfmpegCheckFile(join(tmp.dir, 'async-home', 'ffmpeg-check.json'));
      setPackagedBinDir(null); // forget this process's earlier look
      const asked = versionRuns();
      expect(await locateFfmpegAsync()).toEqual({ path: wrapper, version: realVersion, source: 'env' });
      expect(versionRuns()).toBe(asked + 1);
      setPackagedBinDir(null);
      expect(await locateFfmpegAsync()).toEqual({ path: wrapper, version: realVersion, source: 'env' });
      expect(versionRuns(), 'taken from the data folder').toBe(asked + 1);
    } finally {
      if (saved === undefined) delete process.env.FFMPEG_PATH;
      else process.env.FFMPEG_PATH = saved;
      setPackagedBinDir(null);
    }
  });

  it('`genre-tagger classify` asks ffmpeg for its version on its first run only, and decodes with it on both', async () => {
    const music = join(tmp.dir, 'music');
    makeAudioFile(join(music, 'tone.flac'), { format: 'flac', seconds: 4 });
    const home = join(tmp.dir, 'cli-home');
    const run = () => runCli(['classify', music, '--quiet'], { env: { GENRE_TAGGER_HOME: home, FFMPEG_PATH: wrapper } });
    writeFileSync(log, '');
    const first = await run();
    expect(first.code, first.stderr).toBe(0);
    expect(versionRuns()).toBe(1);
    expect(existsSync(join(home, 'ffmpeg-check.json'))).toBe(true);
    makeAudioFile(join(music, 'tone-2.flac'), { format: 'flac', seconds: 4, source: 'sine=frequency=660' });
    const second = await run(); // a new file to listen to
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('tone-2.flac');
    const lines = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    expect(versionRuns(), 'asked once in two runs').toBe(1);
    expect(lines.filter((l) => l.includes('tone-2.flac')).length, 'the second file was decoded by this ffmpeg').toBeGreaterThan(0);
  });
});
