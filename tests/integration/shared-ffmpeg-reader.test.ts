import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { ANALYSIS_SAMPLE_RATE, decodeAudioChunks, ffmpegDecodeArgs } from '../../src/main/core/audio/decode-audio.ts';
import { closeFfmpegReader } from '../../src/main/core/audio/ffmpeg-reader.ts';
import { SHELL_LAUNCHER_NAME } from '../../src/main/core/audio/ffmpeg-shell-launcher.ts';
import { locateFfmpeg } from '../../src/main/core/audio/locate-ffmpeg.ts';
import { openSharedFfmpegReader } from '../../src/main/core/audio/shared-ffmpeg-reader.ts';
import { childProcesses, isRunning, processes } from '../helpers/child-processes.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

// Threads that decode through one shared reader thread (a classification pool's workers), with real ffmpeg and
// real worker threads (tests/helpers/shared-reader-client.worker.ts).
const tmp = makeTempDir();
afterAll(() => tmp.cleanup());
const client = new URL('../helpers/shared-reader-client.worker.ts', import.meta.url);

function ffmpeg(args: string[]): void {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

async function decodeHere(file: string): Promise<{ samples: number; sha256: string }> {
  const hash = createHash('sha256');
  let samples = 0;
  for await (const chunk of decodeAudioChunks(file)) {
    hash.update(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    samples += chunk.length;
  }
  return { samples, sha256: hash.digest('hex') };
}

const launchers = (): number[] => childProcesses().filter((p) => p.command.includes(SHELL_LAUNCHER_NAME)).map((p) => p.pid);
/** ffmpeg processes decoding `file` (with `also` among their arguments), wherever they were started from. */
const ffmpegsOf = (file: string, also = ''): number[] =>
  processes()
    .filter((p) => p.name === 'ffmpeg' && isRunning(p.pid))
    .filter((p) => {
      try {
        const cmdline = readFileSync(`/proc/${p.pid}/cmdline`, 'utf8');
        return cmdline.includes(file) && cmdline.includes(also);
      } catch {
        return false;
      }
    })
    .map((p) => p.pid);

async function until(check: () => boolean, ms = 5000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return check();
}

const readerThreads = (): number => readdirSync('/proc/self/task').length;

describe('openSharedFfmpegReader', () => {
  const stereo = join(tmp.dir, 'stereo.mp3');
  const surround = join(tmp.dir, 'surround.flac');
  const long = join(tmp.dir, 'long.flac');
  ffmpeg(['-f', 'lavfi', '-i', 'anoisesrc=color=pink:amplitude=0.3:duration=12', '-ar', '44100', '-ac', '2', '-c:a', 'libmp3lame', '-b:a', '192k', stereo]);
  ffmpeg(['-f', 'lavfi', '-i', "aevalsrc='0.1*sin(2*PI*220*t)|0.2*sin(2*PI*330*t)|0.3*sin(2*PI*440*t)|0.05*sin(2*PI*55*t)|0.15*random(0)|0.25*sin(2*PI*880*t)':s=48000:d=20:c=5.1", '-c:a', 'flac', surround]);
  ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=300', '-ac', '2', '-c:a', 'flac', long]);

  // served by a reader thread, or from this thread's event loop (a classification job's thread does that)
  it.each([
    ['one reader thread', false],
    ['this thread', true],
  ])('decodes for several threads at once through %s and one launcher process, exactly as a reader of their own', async (_, inThisThread) => {
    const want = { [stereo]: await decodeHere(stereo), [surround]: await decodeHere(surround) };
    await closeFfmpegReader(); // this thread's own reader and launcher end here
    expect(await until(() => launchers().length === 0)).toBe(true);

    const threadsBefore = readerThreads();
    const reader = openSharedFfmpegReader({ inThisThread });
    // a reader thread is one more thread of this process; served here, none
    expect(await until(() => readerThreads() > threadsBefore, 1000)).toBe(!inThisThread);
    const files = [stereo, surround, stereo, surround];
    const results = await Promise.all(
      files.map(
        (file) =>
          new Promise<{ samples: number; sha256: string }>((resolve, reject) => {
            const port = reader.connect();
            const w = new Worker(client, { workerData: { port, file }, transferList: [port] });
            w.on('message', (m: { type: string; samples: number; sha256: string }) => m.type === 'done' && resolve({ samples: m.samples, sha256: m.sha256 }));
            w.on('error', reject);
          }),
      ),
    );
    expect(results).toEqual(files.map((f) => want[f]));
    expect(launchers()).toHaveLength(1);
    await reader.close();
    expect(await until(() => launchers().length === 0)).toBe(true);
  });

  it.each([
    ['one reader thread', false],
    ['this thread', true],
  ])('served by %s: a decode started ahead is taken by the thread that asks for the same file; one nobody takes ends with the reader', async (_, inThisThread) => {
    const want = { [stereo]: await decodeHere(stereo), [long]: await decodeHere(long) };
    await closeFfmpegReader();
    const ffmpegPath = locateFfmpeg()!.path;
    const reader = openSharedFfmpegReader({ inThisThread });
    reader.startAhead(ffmpegPath, ffmpegDecodeArgs(long, ANALYSIS_SAMPLE_RATE));
    reader.startAhead(ffmpegPath, ffmpegDecodeArgs(stereo, ANALYSIS_SAMPLE_RATE));
    // the same file at another rate: a start that is not asked for (the file is longer than the reader holds ahead
    // of its reader, so this ffmpeg waits)
    reader.startAhead(ffmpegPath, ffmpegDecodeArgs(long, 16000));
    const atRate = (hz: number): number[] => ffmpegsOf(long, `aresample=${hz}:`);
    expect(await until(() => atRate(ANALYSIS_SAMPLE_RATE).length === 1 && atRate(16000).length === 1)).toBe(true);
    const ahead = atRate(ANALYSIS_SAMPLE_RATE)[0];
    const unclaimed = atRate(16000)[0];
    // ffmpeg runs ahead while nobody reads: the stereo file's 12 s end in the reader's blocks, the long one waits
    await new Promise((r) => setTimeout(r, 500));
    const decode = (file: string): Promise<{ samples: number; sha256: string }> =>
      new Promise((resolve, reject) => {
        const port = reader.connect();
        const w = new Worker(client, { workerData: { port, file }, transferList: [port] });
        w.on('message', (m: { type: string; samples: number; sha256: string }) => m.type === 'done' && resolve({ samples: m.samples, sha256: m.sha256 }));
        w.on('error', reject);
      });
    const longDecoded = decode(long);
    const stereoDecoded = decode(stereo);
    await new Promise((r) => setTimeout(r, 300));
    expect(atRate(ANALYSIS_SAMPLE_RATE), 'the decode took the ffmpeg started ahead').toEqual([ahead]);
    expect(await longDecoded).toEqual(want[long]);
    expect(await stereoDecoded).toEqual(want[stereo]);
    expect(isRunning(unclaimed), 'still waiting to be asked for').toBe(true);
    await reader.close();
    expect(await until(() => !isRunning(unclaimed))).toBe(true);
    expect(await until(() => launchers().length === 0)).toBe(true);
  });

  it.each([
    ['one reader thread', false],
    ['this thread', true],
  ])("served by %s: stops the ffmpeg of a thread that ends in the middle of a decode, and the other threads' decodes go on", async (_, inThisThread) => {
    const want = await decodeHere(surround);
    await closeFfmpegReader();
    const reader = openSharedFfmpegReader({ inThisThread });
    const portA = reader.connect();
    const stalled = new Worker(client, { workerData: { port: portA, file: long, stall: true }, transferList: [portA] });
    await new Promise<void>((resolve) => stalled.on('message', (m: { type: string }) => m.type === 'decoding' && resolve()));
    const running = ffmpegsOf(long);
    expect(running).toHaveLength(1); // held back by the reader: the stalled thread takes no more blocks
    const portB = reader.connect();
    const other = new Worker(client, { workerData: { port: portB, file: surround }, transferList: [portB] });
    const otherDone = new Promise<{ samples: number; sha256: string }>((resolve) => other.on('message', (m: { type: string; samples: number; sha256: string }) => resolve({ samples: m.samples, sha256: m.sha256 })));
    await stalled.terminate();
    expect(await until(() => !isRunning(running[0]))).toBe(true);
    expect(await otherDone).toEqual(want);
    await reader.close();
    expect(await until(() => launchers().length === 0)).toBe(true);
  });
});
