import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ffmpegDecodeArgs } from '../../../src/main/core/audio/decode-audio.ts';
import { parseWavStreamHeader } from '../../../src/main/core/audio/wav-stream-header.ts';

/** What the decoder's ffmpeg command writes to its pipe for a generated source of `layout`. */
function ffmpegStream(layout: string, channels: number): Buffer {
  const expr = Array.from({ length: channels }, (_, c) => `${(c + 1) / 10}*sin(2*PI*440*t)`).join('|');
  const args = ffmpegDecodeArgs(`aevalsrc='${expr}':s=44100:d=0.5:c=${layout}`, 22050);
  args.splice(args.indexOf('-i'), 0, '-f', 'lavfi');
  return execFileSync('ffmpeg', args, { stdio: ['ignore', 'pipe', 'ignore'] });
}

describe('parseWavStreamHeader', () => {
  for (const [layout, channels] of [['mono', 1], ['stereo', 2], ['5.1', 6]] as const) {
    it(`reads ffmpeg's streamed float WAV header (${layout}), and waits for more bytes until it is complete`, () => {
      const bytes = ffmpegStream(layout, channels);
      const header = parseWavStreamHeader(bytes)!;
      expect(header).toMatchObject({ channels, sampleRate: 22050, formatTag: 3, bitsPerSample: 32 });
      // Whole float32 frames follow the header: 0.5 s at 22050 Hz (give or take the resampler's edge).
      const frames = (bytes.length - header.dataOffset) / (4 * channels);
      expect(Number.isInteger(frames)).toBe(true);
      expect(Math.abs(frames - 11025)).toBeLessThan(64);
      for (let n = 0; n < header.dataOffset; n++) expect(parseWavStreamHeader(bytes.subarray(0, n))).toBeNull();
      expect(parseWavStreamHeader(bytes.subarray(0, header.dataOffset))).toEqual(header);
    });
  }

  it('refuses a stream that is not a WAV', () => {
    expect(() => parseWavStreamHeader(new TextEncoder().encode('ID3\u0004 not a wav stream'))).toThrow(/Not a WAV stream/);
  });
});
