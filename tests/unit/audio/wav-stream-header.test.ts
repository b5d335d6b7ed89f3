import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ffmpegDecodeArgs } from '../../../src/main/core/audio/decode-audio.ts';
import { parseWavStreamHeader } from '../../../src/main/core/audio/wav-stream-header.ts';

function source(layout: string, channels: number): string {
  return `aevalsrc='${Array.from({ length: channels }, (_, c) => `${(c + 1) / 10}*sin(2*PI*440*t)`).join('|')}':s=44100:d=0.5:c=${layout}`;
}

/** ffmpeg's float WAV streamed to a pipe (no length in its header), with the file's own channels at 22050 Hz. */
function streamedWav(layout: string, channels: number): Buffer {
  const args = ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', source(layout, channels), '-ar', '22050', '-fflags', '+bitexact', '-flags:a', '+bitexact', '-f', 'wav', '-c:a', 'pcm_f32le', 'pipe:1'];
  return execFileSync('ffmpeg', args, { stdio: ['ignore', 'pipe', 'ignore'] });
}

/** What the decoder's own ffmpeg command writes to its pipe for a generated source of `layout`. */
function decoderStream(layout: string, channels: number): Buffer {
  const args = ffmpegDecodeArgs(source(layout, channels), 22050);
  args.splice(args.indexOf('-i'), 0, '-f', 'lavfi');
  return execFileSync('ffmpeg', args, { stdio: ['ignore', 'pipe', 'ignore'] });
}

describe('parseWavStreamHeader', () => {
  for (const [layout, channels] of [['mono', 1], ['stereo', 2], ['5.1', 6]] as const) {
    it(`reads ffmpeg's streamed float WAV header (${layout}), and waits for more bytes until it is complete`, () => {
      const bytes = streamedWav(layout, channels);
      const header = parseWavStreamHeader(bytes)!;
      expect(header).toMatchObject({ channels, sampleRate: 22050, formatTag: 3, bitsPerSample: 32 });
      // Whole float32 frames follow the header: 0.5 s at 22050 Hz (give or take the resampler's edge).
      const frames = (bytes.length - header.dataOffset) / (4 * channels);
      expect(Number.isInteger(frames)).toBe(true);
      expect(Math.abs(frames - 11025)).toBeLessThan(64);
      for (let n = 0; n < header.dataOffset; n++) expect(parseWavStreamHeader(bytes.subarray(0, n))).toBeNull();
      expect(parseWavStreamHeader(bytes.subarray(0, header.dataOffset))).toEqual(header);
    });

    it(`the decoder's ffmpeg command streams one float channel at 22050 Hz from ${layout}`, () => {
      const bytes = decoderStream(layout, channels);
      const header = parseWavStreamHeader(bytes)!;
      expect(header).toMatchObject({ channels: 1, sampleRate: 22050, formatTag: 3, bitsPerSample: 32 });
      const samples = new Float32Array(bytes.buffer.slice(bytes.byteOffset + header.dataOffset, bytes.byteOffset + bytes.length));
      expect(Math.abs(samples.length - 11025)).toBeLessThan(64);
      // every channel is the same sine at (c + 1) / 10: the mean's peak is the mean of those amplitudes
      let peak = 0;
      for (let i = 1000; i < 10000; i++) peak = Math.max(peak, Math.abs(samples[i]));
      expect(peak).toBeCloseTo((channels + 1) / 20, 3);
    });
  }

  it('refuses a stream that is not a WAV', () => {
    expect(() => parseWavStreamHeader(new TextEncoder().encode('ID3\u0004 not a wav stream'))).toThrow(/Not a WAV stream/);
  });
});
