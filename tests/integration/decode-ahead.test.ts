import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeAudioFile } from '../helpers/audio-fixtures.ts';
import { cliPath } from '../helpers/run-cli.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

const tmp = makeTempDir('genre-tagger-decode-ahead-');
afterAll(() => tmp.cleanup());

const realFfmpeg = execFileSync('sh', ['-c', 'command -v ffmpeg'], { encoding: 'utf8' }).trim();
const log = join(tmp.dir, 'ffmpeg-runs.log');
const wrapper = join(tmp.dir, 'bin', 'ffmpeg');
mkdirSync(join(tmp.dir, 'bin'), { recursive: true });
// a real ffmpeg behind a script that notes when it starts (ms since the epoch) and its arguments
writeFileSync(wrapper, `#!/bin/sh\necho "$(date +%s%3N) $*" >> '${log}'\nexec '${realFfmpeg}' "$@"\n`, { mode: 0o755 });

// A classification starts ffmpeg for the track an analysis worker will take next while it analyses the one before
// (ClassifierPool.prepare, the ffmpeg reader's 'startAhead'): the analysis does not wait for ffmpeg's start.
describe('decoding ahead (the real CLI, a real ffmpeg behind a script that notes each start)', () => {
  it('starts the next tracks’ ffmpeg before the first track is done, and decodes every file exactly once', { timeout: 180_000 }, async () => {
    const music = join(tmp.dir, 'music');
    const names = ['a', 'b', 'c', 'd', 'e'].map((n) => `${n}.mp3`);
    for (const [i, name] of names.entries()) {
      makeAudioFile(join(music, name), { format: 'mp3', seconds: 20, source: `sine=frequency=${220 * (i + 1)}` });
    }
    // one analysis worker: it holds two tracks, and the job starts a third one's decoding ahead
    const child = spawn(process.execPath, [cliPath, 'classify', music, '--db', join(tmp.dir, 'lib.sqlite'), '--workers', '1'], {
      env: { ...process.env, FFMPEG_PATH: wrapper, GENRE_TAGGER_HOME: join(tmp.dir, 'home') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let firstRowAt: number | null = null;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      // the table's first row: the first track done and stored (each is printed as it finishes)
      if (firstRowAt === null && /\.mp3\s*$/m.test(stdout)) firstRowAt = Date.now();
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, stderr).toBe(0);
    expect(stderr).toContain('Listened to 5 of 5 new or changed tracks');

    const decodes = readFileSync(log, 'utf8')
      .split('\n')
      .filter((l) => l.includes(' -i '))
      .map((l) => ({ at: Number(l.slice(0, l.indexOf(' '))), file: /-i (\S+)/.exec(l)![1] }));
    expect(decodes.map((d) => d.file).sort(), 'each file decoded once').toEqual(names.map((n) => join(music, n)).sort());
    expect(firstRowAt).not.toBeNull();
    // the track analysed, the one waiting for the worker, and the one after it started ahead
    expect(decodes.filter((d) => d.at < firstRowAt!).length).toBeGreaterThanOrEqual(3);
  });
});
