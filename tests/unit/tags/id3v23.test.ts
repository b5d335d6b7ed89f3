import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBuffer } from 'music-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGenreTag } from '../../../src/main/core/tags/genre-tag.ts';
import { encodeTconV23, id3v2MajorVersion, parseId3v23, replaceTconV23 } from '../../../src/main/core/tags/id3v23.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

/** An ID3v2.3 frame: 4-char id, 32-bit big-endian size (not syncsafe in v2.3), 2 flag bytes, body. */
function frame(id: string, body: Uint8Array): Buffer {
  const h = Buffer.alloc(10);
  h.write(id, 0, 'latin1');
  h.writeUInt32BE(body.length, 4);
  return Buffer.concat([h, body]);
}
const text = (s: string): Uint8Array => Buffer.concat([Buffer.from([0]), Buffer.from(s, 'latin1')]);

/** An ID3v2.3 tag built by hand: the layout of the specification (id3.org id3v2.3.0 §3.1, §3.3). */
function tag(frames: Buffer[], padding: number, flags = 0): Buffer {
  const body = Buffer.concat([...frames, Buffer.alloc(padding)]);
  const n = body.length;
  const header = Buffer.from([0x49, 0x44, 0x33, 3, 0, flags, (n >> 21) & 0x7f, (n >> 14) & 0x7f, (n >> 7) & 0x7f, n & 0x7f]);
  return Buffer.concat([header, body]);
}

let tmp: ReturnType<typeof makeTempDir>;
let audio: Buffer;
const unknown = frame('XTST', Uint8Array.from([0, 1, 2, 0xff, 0xfe, 0, 7]));
const others = [frame('TIT2', text('Title')), unknown, frame('TPE1', text('Artist'))];

beforeAll(() => {
  tmp = makeTempDir('gt-id3v23-');
  const path = join(tmp.dir, 'raw.mp3');
  // MPEG audio frames only: no tag of ffmpeg's own.
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=duration=1', '-c:a', 'libmp3lame', '-write_id3v1', '0', '-id3v2_version', '0', '-write_xing', '0', path]);
  audio = readFileSync(path);
  expect(id3v2MajorVersion(audio)).toBeNull();
});
afterAll(() => tmp?.cleanup());

describe('ID3v2.3 genre editor', () => {
  it('replaces only TCON: other frames byte for byte, the audio after the tag unchanged, the size kept when padding allows', async () => {
    const file = Buffer.concat([tag([others[0], frame('TCON', text('Rock')), ...others.slice(1)], 256), audio]);
    const parsed = parseId3v23(file);
    expect(parsed.frames.map((f) => f.id)).toEqual(['TIT2', 'TCON', 'XTST', 'TPE1']);
    const out = replaceTconV23(file, parsed, [encodeTconV23('Hip Hop; Jazz')]);
    expect(out.length).toBe(file.length);
    const again = parseId3v23(out);
    expect(again.frames.map((f) => f.id)).toEqual(['TIT2', 'TCON', 'XTST', 'TPE1']);
    for (const id of ['TIT2', 'XTST', 'TPE1']) {
      expect(Buffer.from(again.frames.find((f) => f.id === id)!.raw)).toEqual(Buffer.from(parsed.frames.find((f) => f.id === id)!.raw));
    }
    expect(Buffer.from(out.subarray(again.end))).toEqual(audio);
    // Independent readers agree.
    const mm = await parseBuffer(out, undefined, { duration: false });
    expect(Object.keys(mm.native)).toEqual(['ID3v2.3']);
    expect(mm.common.genre).toEqual(['Hip Hop; Jazz']);
    expect(mm.common.title).toBe('Title');
    expect((await readGenreTag(out, { id3v23Separator: '; ' })).genres).toEqual(['Hip Hop', 'Jazz']);
  });

  it('grows the tag when the new frame does not fit, moving the audio intact', () => {
    const file = Buffer.concat([tag([frame('TCON', text('Rock')), ...others], 0), audio]);
    const long = Array.from({ length: 40 }, (_, i) => `Genre number ${i}`).join('; ');
    const out = replaceTconV23(file, parseId3v23(file), [encodeTconV23(long)]);
    const again = parseId3v23(out);
    expect(out.length).toBeGreaterThan(file.length);
    expect(Buffer.from(out.subarray(again.end))).toEqual(audio);
    expect(Buffer.from(again.frames.find((f) => f.id === 'XTST')!.raw)).toEqual(unknown);
  });

  it('adds TCON to a tag without one, removes it for "no genre", and writes UTF-16 when Latin-1 cannot hold the name', async () => {
    const file = Buffer.concat([tag(others, 64), audio]);
    const added = replaceTconV23(file, parseId3v23(file), [encodeTconV23('Électro; Кино')]);
    const tcon = parseId3v23(added).frames.find((f) => f.id === 'TCON')!;
    expect(tcon.body[0]).toBe(1);
    expect((await parseBuffer(added, undefined, { duration: false })).common.genre).toEqual(['Électro; Кино']);
    const removed = replaceTconV23(added, parseId3v23(added), []);
    expect(parseId3v23(removed).frames.map((f) => f.id)).toEqual(['TIT2', 'XTST', 'TPE1']);
    expect((await parseBuffer(removed, undefined, { duration: false })).common.genre).toBeUndefined();
  });

  it('reads an unsynchronised tag and writes it back plainly', async () => {
    // 0xFF 0xE0 inside a frame must be stored as 0xFF 0x00 0xE0 when the tag is unsynchronised (§5).
    const payload = Uint8Array.from([0, 0xff, 0xe0, 0x41]);
    const raw = Buffer.concat([frame('XTST', payload), frame('TCON', text('Rock'))]);
    const unsynced: number[] = [];
    for (let i = 0; i < raw.length; i++) {
      unsynced.push(raw[i]);
      if (raw[i] === 0xff && (raw[i + 1] >= 0xe0 || raw[i + 1] === 0)) unsynced.push(0);
    }
    const file = Buffer.concat([tag([Buffer.from(unsynced)], 32, 0x80), audio]);
    const parsed = parseId3v23(file);
    expect(Buffer.from(parsed.frames[0].body)).toEqual(Buffer.from(payload));
    const out = replaceTconV23(file, parsed, [encodeTconV23('Jazz')]);
    expect(out[5] & 0x80).toBe(0);
    expect((await parseBuffer(out, undefined, { duration: false })).common.genre).toEqual(['Jazz']);
    expect(Buffer.from(out.subarray(parseId3v23(out).end))).toEqual(audio);
  });

  it('reports a corrupt tag instead of guessing', () => {
    const file = Buffer.concat([tag([frame('TCON', text('Rock'))], 16), audio]);
    const broken = Buffer.from(file);
    broken.writeUInt32BE(100000, 14); // TCON size runs past the tag
    expect(() => parseId3v23(broken)).toThrow(/corrupt/);
  });
});
