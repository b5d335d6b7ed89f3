import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { encodePngRgb } from '../../../src/main/core/image/png.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

/** The image a PNG file holds as 8-bit RGB, decoded by ffmpeg with its chunk CRCs checked (a bad CRC fails). */
function decodeWithFfmpeg(png: Buffer): number[] {
  const file = join(tmp.dir, 'image.png');
  writeFileSync(file, png);
  const args = ['-hide_banner', '-loglevel', 'error', '-err_detect', 'crccheck+explode', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'];
  return Array.from(execFileSync('ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] }));
}

describe('PNG encoder', () => {
  const rgb = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]);

  it('ends with the IEND chunk and the CRC-32 that PNG specifies for it (AE 42 60 82)', () => {
    const png = encodePngRgb(2, 2, rgb);
    expect(Array.from(png.subarray(png.length - 12))).toEqual([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
  });

  it('writes signature, IHDR and a zlib stream of filtered rows', () => {
    const png = encodePngRgb(2, 2, rgb);
    expect(png.readUInt32BE(8)).toBe(13);
    expect(png.toString('latin1', 12, 16)).toBe('IHDR');
    expect([png.readUInt32BE(16), png.readUInt32BE(20), png[24], png[25]]).toEqual([2, 2, 8, 2]);
    const idatLen = png.readUInt32BE(33);
    expect(png.toString('latin1', 37, 41)).toBe('IDAT');
    const raw = inflateSync(png.subarray(41, 41 + idatLen));
    expect(Array.from(raw)).toEqual([0, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255, 10, 20, 30]);
  });

  it('decodes (ffmpeg, CRCs checked) to the pixels it was given', () => {
    const png = encodePngRgb(2, 2, rgb);
    expect(decodeWithFfmpeg(png)).toEqual(Array.from(rgb));
    const wide = Uint8Array.from({ length: 7 * 3 * 3 }, (_, i) => (i * 37) % 256);
    expect(decodeWithFfmpeg(encodePngRgb(7, 3, wide))).toEqual(Array.from(wide));
    const corrupt = Buffer.from(png);
    corrupt[32] ^= 1; // the last byte of IHDR's CRC
    expect(() => decodeWithFfmpeg(corrupt)).toThrow(/CRC mismatch/);
  });
});
