import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AudioDecodeError } from '../../src/main/core/audio/audio-decode-error.ts';
import { decodeAudio, decodeAudioChunks } from '../../src/main/core/audio/decode-audio.ts';
import { makeAudioFile } from '../helpers/audio-fixtures.ts';
import { gtzanDir } from '../helpers/gtzan.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

async function failure(p: Promise<unknown>): Promise<AudioDecodeError> {
  try {
    await p;
  } catch (error) {
    if (error instanceof AudioDecodeError) return error;
    throw error;
  }
  throw new Error('expected a decode error');
}

describe('decodeAudio (ffmpeg)', () => {
  it('decodes a 16-bit 22050 Hz WAV bit-exactly (x / 32768), as librosa.load does', async () => {
    const path = join(gtzanDir, 'original/jazz/jazz.00001.wav');
    const raw = readFileSync(path);
    const d = await decodeAudio(path);
    const n = (raw.length - 44) / 2;
    expect(d.samples).toBe(n);
    for (const i of [0, 1000, 123456, n - 1]) expect(d.data[i]).toBe(raw.readInt16LE(44 + 2 * i) / 32768);
  });

  it('resamples a 44.1 kHz stereo MP3 to 22050 Hz mono', async () => {
    const path = makeAudioFile(join(tmp.dir, 'tone.mp3'), { format: 'mp3', seconds: 3, source: 'sine=frequency=1000' });
    const d = await decodeAudio(path);
    expect(d.sampleRate).toBe(22050);
    expect(Math.abs(d.samples - 3 * 22050)).toBeLessThan(0.05 * 22050);
    // The tone survives: count zero crossings in the middle second (2000 per second for 1 kHz).
    let z = 0;
    for (let i = 22050 + 1; i < 44100; i++) if (d.data[i] >= 0 !== d.data[i - 1] >= 0) z++;
    expect(z).toBeGreaterThan(1990);
    expect(z).toBeLessThan(2010);
  });

  it('downmixes to the mean of the channels, as librosa.load(mono=True) does, for any codec and layout', async () => {
    // Every channel carries the same 440 Hz sine at its own amplitude: the mean is that sine at the mean amplitude.
    const rmsOf = (d: Float32Array, from: number, to: number): number => {
      let s = 0;
      for (let i = from; i < to; i++) s += d[i] * d[i];
      return Math.sqrt(s / (to - from));
    };
    const cases = [
      { amps: [0.8, 0.2], layout: 'stereo', file: 'stereo-float.wav', codec: ['-c:a', 'pcm_f32le'], tol: 1e-3 },
      { amps: [0.8, 0.2], layout: 'stereo', file: 'stereo-int.flac', codec: ['-c:a', 'flac'], tol: 1e-3 },
      { amps: [0.8, 0.2], layout: 'stereo', file: 'stereo.mp3', codec: ['-c:a', 'libmp3lame', '-b:a', '320k'], tol: 0.02 },
      { amps: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6], layout: '5.1', file: 'surround.flac', codec: ['-c:a', 'flac'], tol: 1e-3 },
    ];
    for (const c of cases) {
      const path = join(tmp.dir, c.file);
      const expr = c.amps.map((a) => `${a}*sin(2*PI*440*t)`).join('|');
      await new Promise<void>((resolve, reject) => {
        const p = spawn('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `aevalsrc='${expr}':s=44100:d=3:c=${c.layout}`, ...c.codec, path], { stdio: 'ignore' });
        p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited with ${code} for ${c.file}`))));
      });
      const d = await decodeAudio(path);
      const mean = c.amps.reduce((a, b) => a + b, 0) / c.amps.length;
      expect(rmsOf(d.data, 22050, 44100) / (mean / Math.SQRT2), c.file).toBeCloseTo(1, c.tol < 0.01 ? 2 : 1);
      expect(Math.abs(rmsOf(d.data, 22050, 44100) - mean / Math.SQRT2), c.file).toBeLessThan(c.tol);
    }
  });

  it('takes the mean of the channels before resampling, as librosa.load does: exact for stereo, 16-bit or float', async () => {
    // The reference is built here: the source's own samples (float, at its own rate, read back by ffmpeg without
    // filters), each frame's mean computed here, and that mono signal resampled by soxr at librosa's setting.
    const run = (args: string[]): Buffer => execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { maxBuffer: 1 << 28 });
    const floats = (b: Buffer): Float32Array => new Float32Array(b.buffer, b.byteOffset, b.length / 4);
    const source = "aevalsrc='0.4*sin(2*PI*440*t)+0.02*random(0)|0.3*sin(2*PI*335*t)+0.02*random(1)'";
    const cases = [
      { file: 'mean-float-22k.wav', make: ['-f', 'lavfi', '-i', `${source}:s=22050:d=2`, '-c:a', 'pcm_f32le'] },
      { file: 'mean-s16-22k.flac', make: ['-f', 'lavfi', '-i', `${source}:s=22050:d=2`, '-c:a', 'flac', '-sample_fmt', 's16'] },
      { file: 'mean-float-44k.wav', make: ['-f', 'lavfi', '-i', `${source}:s=44100:d=2`, '-c:a', 'pcm_f32le'] },
      { file: 'mean-s16-48k.flac', make: ['-f', 'lavfi', '-i', `${source}:s=48000:d=2`, '-c:a', 'flac', '-sample_fmt', 's16'] },
    ];
    for (const c of cases) {
      const path = join(tmp.dir, c.file);
      run([...c.make, path]);
      const stereo = floats(run(['-i', path, '-f', 'f32le', '-c:a', 'pcm_f32le', 'pipe:1']));
      const mean = new Float32Array(stereo.length / 2);
      for (let i = 0; i < mean.length; i++) mean[i] = (stereo[2 * i] + stereo[2 * i + 1]) / 2;
      const rate = Number(/s=(\d+)/.exec(c.make[3])![1]);
      let want: Float32Array<ArrayBufferLike> = mean;
      if (rate !== 22050) {
        const monoPath = join(tmp.dir, `${c.file}.mean.f32`);
        writeFileSync(monoPath, new Uint8Array(mean.buffer));
        want = floats(run(['-f', 'f32le', '-ar', String(rate), '-ac', '1', '-i', monoPath, '-af', 'aresample=22050:resampler=soxr,aformat=sample_fmts=flt', '-f', 'f32le', 'pipe:1']));
      }
      const got = await decodeAudio(path);
      expect(got.samples, c.file).toBe(want.length);
      let same = 0;
      for (let i = 0; i < want.length; i++) if (got.data[i] === want[i]) same++;
      expect(same, c.file).toBe(want.length);
    }
  });

  it('names the problem: missing file, empty file, not audio, truncated', async () => {
    expect((await failure(decodeAudio(join(tmp.dir, 'nope.mp3')))).code).toBe('not-found');
    writeFileSync(join(tmp.dir, 'empty.mp3'), '');
    expect((await failure(decodeAudio(join(tmp.dir, 'empty.mp3')))).code).toBe('empty');
    writeFileSync(join(tmp.dir, 'text.mp3'), 'this is not audio at all\n'.repeat(100));
    const notAudio = await failure(decodeAudio(join(tmp.dir, 'text.mp3')));
    expect(notAudio.code).toBe('not-audio');
    expect(notAudio.message).toContain('text.mp3');
    // A WAV's duration comes from its size: the cut shows as a corrupt last packet.
    const wav = readFileSync(makeAudioFile(join(tmp.dir, 'long.wav'), { format: 'wav', seconds: 20 }));
    writeFileSync(join(tmp.dir, 'cut.wav'), wav.subarray(0, wav.length >> 2));
    const cutWav = await failure(decodeAudio(join(tmp.dir, 'cut.wav')));
    expect(cutWav.code).toBe('truncated');
    expect((await decodeAudio(join(tmp.dir, 'cut.wav'), { allowTruncated: true })).samples).toBeGreaterThan(4 * 22050);
    // An MP3 announces its length in its header.
    const mp3 = readFileSync(makeAudioFile(join(tmp.dir, 'long.mp3'), { format: 'mp3', seconds: 20 }));
    writeFileSync(join(tmp.dir, 'cut.mp3'), mp3.subarray(0, mp3.length >> 2));
    const cutMp3 = await failure(decodeAudio(join(tmp.dir, 'cut.mp3')));
    expect(cutMp3.code).toBe('truncated');
    expect(cutMp3.message).toMatch(/announces 20\.0 s but only 5\.\d s could be decoded/);
  });

  it('takes the length of the audio, not of a video that runs past it; cover art does not hide a cut', async () => {
    // A music video: 10 s of song, 14 s of picture (the container says 14 s).
    const video = join(tmp.dir, 'video.mp4');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=10', '-f', 'lavfi', '-i', 'color=c=blue:s=160x120:r=10:d=14',
      '-map', '1:v', '-map', '0:a', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', video]);
    const whole = await decodeAudio(video);
    expect(whole.warning).toBeNull();
    expect(Math.abs(whole.samples - 10 * 22050)).toBeLessThan(0.05 * 22050);
    // An MP3 with its cover as an attached picture, cut to a quarter: its header's 20 s still count.
    const plain = makeAudioFile(join(tmp.dir, 'plain.mp3'), { format: 'mp3', seconds: 20 });
    const covered = join(tmp.dir, 'covered.mp3');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', plain, '-f', 'lavfi', '-i', 'color=c=red:s=64x64:d=1', '-frames:v', '1', '-map', '0:a', '-map', '1:v',
      '-c:a', 'copy', '-c:v', 'mjpeg', '-disposition:v', 'attached_pic', '-id3v2_version', '3', covered]);
    const mp3 = readFileSync(covered);
    writeFileSync(join(tmp.dir, 'covered-cut.mp3'), mp3.subarray(0, mp3.length >> 2));
    const cut = await failure(decodeAudio(join(tmp.dir, 'covered-cut.mp3')));
    expect(cut.code).toBe('truncated');
    expect(cut.message).toMatch(/announces 20\.0 s but only [45]\.\d s could be decoded/);
  });

  it('stops ffmpeg when cancelled', async () => {
    const path = makeAudioFile(join(tmp.dir, 'long.flac'), { format: 'flac', seconds: 120, channels: 1 });
    const controller = new AbortController();
    let chunks = 0;
    const run = (async () => {
      for await (const _ of decodeAudioChunks(path, { signal: controller.signal })) {
        chunks++;
        if (chunks === 2) controller.abort();
      }
    })();
    const e = await failure(run);
    expect(e.code).toBe('cancelled');
    expect(chunks).toBeLessThan(10);
  });

  it('ends a cancelled decode whose reader stopped reading, its blocks still out with a slow consumer', async () => {
    const path = makeAudioFile(join(tmp.dir, 'long.mp3'), { format: 'mp3', seconds: 120, source: 'anoisesrc=amplitude=0.3' });
    const controller = new AbortController();
    let chunks = 0;
    const run = (async () => {
      for await (const _ of decodeAudioChunks(path, { signal: controller.signal })) {
        chunks++;
        if (chunks === 1) {
          // an analysis busy with its first chunk while ffmpeg fills every block the reader lends it: the reader
          // stops reading the pipe until blocks come back, and a cancelled decode gives back none of those queued
          await new Promise((r) => setTimeout(r, 1500));
          controller.abort();
        }
      }
    })();
    // before the fix, the run never learned that ffmpeg had exited: this waited for the pipe's end forever
    const outcome = await Promise.race([failure(run), new Promise<'still waiting'>((r) => setTimeout(() => r('still waiting'), 20_000))]);
    expect(outcome).toBeInstanceOf(AudioDecodeError);
    expect((outcome as AudioDecodeError).code).toBe('cancelled');
    expect(chunks).toBe(1);
  });

  it('says clearly when ffmpeg is missing', async () => {
    const bin = join(process.cwd(), 'bin/genre-tagger.js');
    const env = { ...process.env, PATH: tmp.dir, FFMPEG_PATH: '' };
    const child = spawn(process.execPath, [bin, 'analyze', join(gtzanDir, 'original/pop/pop.00000.wav')], { env });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code).toBe(1);
    expect(err).toContain('ffmpeg was not found');
  });
});
