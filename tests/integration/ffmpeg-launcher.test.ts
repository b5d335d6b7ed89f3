import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ffmpegDecodeArgs } from '../../src/main/core/audio/decode-audio.ts';
import { SHELL_LAUNCHER_NAME } from '../../src/main/core/audio/ffmpeg-shell-launcher.ts';
import { isRunning } from '../helpers/child-processes.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

// ffmpeg is started by a launcher shell, so that the analysis process never forks (every fork made each page it
// writes fault again), and read from the named pipes it writes into. These tests run the decoder in processes of
// their own, with the launcher, without it, with a launcher that cannot start and with one that cannot make named
// pipes, and check the samples against ffmpeg's own output read back here.
const tmp = makeTempDir();
afterAll(() => tmp.cleanup());
const probe = join(process.cwd(), 'tests/helpers/decode-probe.ts');

interface ProbeResult {
  samples: number;
  sha256: string;
  error: string | null;
  ffmpegGone: boolean;
  ffmpegParents: string[];
  ffmpegPids: number[];
  launcherPids: number[];
  launcherArgs: string[][];
}

function runProbe(mode: 'decode' | 'slow' | 'cancel', file: string, launcher?: string, extraEnv: NodeJS.ProcessEnv = {}): ProbeResult {
  const env = { ...process.env, ...extraEnv };
  if (launcher === undefined) delete env.GENRE_TAGGER_FFMPEG_LAUNCHER;
  else env.GENRE_TAGGER_FFMPEG_LAUNCHER = launcher;
  const out = execFileSync(process.execPath, [probe, mode, file], { env, encoding: 'utf8', timeout: 60_000 });
  return JSON.parse(out.trim().split('\n').pop()!) as ProbeResult;
}

function ffmpeg(args: string[]): void {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/**
 * What ffmpeg itself writes for the decoder's filters (the downmix to the mean of the channels, soxr to 22050 Hz,
 * float32), read back here from a file: the launcher, the reader thread and its blocks must deliver exactly that.
 * (That the downmix is the mean of the channels, as librosa.load's, is decode-audio.test.ts's.)
 */
function reference(file: string): { samples: number; sha256: string } {
  const raw = join(tmp.dir, 'reference.f32');
  const args = ffmpegDecodeArgs(file, 22050);
  ffmpeg(['-i', file, '-map', '0:a:0', '-af', args[args.indexOf('-af') + 1], '-fflags', '+bitexact', '-flags:a', '+bitexact', '-f', 'f32le', raw]);
  const bytes = readFileSync(raw);
  return { samples: bytes.length / 4, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** The launcher shell's command line, as its processes show it: /bin/sh -c SCRIPT NAME FOLDER. */
function expectLauncherShell(args: string[][]): void {
  expect(args).toHaveLength(1);
  const [shell, c, , name, folder] = args[0];
  expect([shell, c, name]).toEqual(['/bin/sh', '-c', SHELL_LAUNCHER_NAME]);
  expect(folder.startsWith(join(tmpdir(), 'genre-tagger-ffmpeg-'))).toBe(true);
}

describe('ffmpeg started by the launcher shell', () => {
  // 60 s of 5.1 at 48 kHz: 5.3 MB of mono float32 at 22050 Hz, more than the reader's 16 blocks of 256 KB; and a stereo MP3.
  const surround = join(tmp.dir, 'surround.flac');
  const stereo = join(tmp.dir, 'stereo.mp3');
  ffmpeg(['-f', 'lavfi', '-i', "aevalsrc='0.1*sin(2*PI*220*t)|0.2*sin(2*PI*330*t)|0.3*sin(2*PI*440*t)|0.05*sin(2*PI*55*t)|0.15*random(0)|0.25*sin(2*PI*880*t)':s=48000:d=60:c=5.1", '-c:a', 'flac', surround]);
  ffmpeg(['-f', 'lavfi', '-i', 'anoisesrc=color=pink:amplitude=0.3:duration=12', '-ar', '44100', '-ac', '2', '-c:a', 'libmp3lame', '-b:a', '192k', stereo]);

  it("decodes exactly ffmpeg's own output, with the launcher, without it, and when it cannot start", () => {
    for (const file of [surround, stereo]) {
      const want = reference(file);
      const viaLauncher = runProbe('decode', file);
      const direct = runProbe('decode', file, 'off');
      const broken = runProbe('decode', file, '/bin/false');
      for (const got of [viaLauncher, direct, broken]) {
        expect(got.error, file).toBeNull();
        expect({ samples: got.samples, sha256: got.sha256 }, file).toEqual(want);
      }
      expect(viaLauncher.ffmpegParents).toEqual(['below child sh']);
      expectLauncherShell(viaLauncher.launcherArgs);
      expect(direct.ffmpegParents).toEqual(['this process']);
      expect(broken.ffmpegParents).toEqual(['this process']);
    }
  });

  it('passes any file name to ffmpeg unchanged: quotes, a newline, backslashes, $, backticks, non-ASCII', () => {
    const awkward = join(tmp.dir, `it's a "test"\n$HOME \`id\` $(id) \\n \\ '\\'' ☃ -i.mp3`);
    copyFileSync(stereo, awkward);
    const got = runProbe('decode', awkward);
    expect(got.error).toBeNull();
    expect({ samples: got.samples, sha256: got.sha256 }).toEqual(reference(stereo));
    expect(got.ffmpegParents).toEqual(['below child sh']);
  });

  it('starts ffmpeg itself where the shell cannot make named pipes (no mkfifo on the PATH)', () => {
    const got = runProbe('decode', stereo, undefined, { PATH: join(tmp.dir, 'no-such-dir'), FFMPEG_PATH: execFileSync('sh', ['-c', 'command -v ffmpeg'], { encoding: 'utf8' }).trim() });
    expect(got.error).toBeNull();
    expect({ samples: got.samples, sha256: got.sha256 }).toEqual(reference(stereo));
    expect(got.ffmpegParents).toEqual(['this process']);
  });

  it('holds ffmpeg back while the consumer is slow and still gets every sample, with the launcher and without it', () => {
    // 5.3 MB of output against 4 MB of blocks: the reader stops reading the pipe, then starts again
    const want = reference(surround);
    for (const launcher of [undefined, 'off']) {
      const got = runProbe('slow', surround, launcher);
      expect(got.error, launcher ?? 'launcher').toBeNull();
      expect({ samples: got.samples, sha256: got.sha256 }, launcher ?? 'launcher').toEqual(want);
    }
  });

  it('reads what ffmpeg says on stderr to the end in every mode: a cut WAV and a cut MP3 are named truncated', () => {
    const wav = join(tmp.dir, 'whole.wav');
    ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=20', '-ac', '2', '-c:a', 'pcm_s16le', wav]);
    const mp3 = join(tmp.dir, 'whole.mp3');
    ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=20', '-ac', '2', '-c:a', 'libmp3lame', '-b:a', '128k', mp3]);
    for (const [whole, cut] of [[wav, join(tmp.dir, 'cut.wav')], [mp3, join(tmp.dir, 'cut.mp3')]]) {
      const bytes = readFileSync(whole);
      writeFileSync(cut, bytes.subarray(0, bytes.length >> 2));
      for (const mode of [undefined, 'off', '/bin/false']) expect(runProbe('decode', cut, mode).error, `${cut} ${mode ?? 'launcher'}`).toBe('truncated');
    }
  });

  it('stops ffmpeg when the decode is cancelled, and the launcher ends with the process that started it', async () => {
    const long = join(tmp.dir, 'long.flac');
    ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=300', '-ac', '1', '-c:a', 'flac', long]);
    const result = runProbe('cancel', long);
    expect(result.error).toBe('cancelled');
    expect(result.ffmpegParents).toEqual(['below child sh']);
    expect(result.ffmpegGone).toBe(true);
    // The probe has exited: its launcher saw its input end, ended too, and took its folder of named pipes with it.
    const [launcher] = result.launcherPids;
    const folder = result.launcherArgs[0][4];
    const deadline = Date.now() + 5000;
    while ((isRunning(launcher) || existsSync(folder)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(isRunning(launcher)).toBe(false);
    expect(existsSync(folder)).toBe(false);
  });
});
