import { closeSync, openSync, readSync } from 'node:fs';

/**
 * Bare Dolby Digital (AC-3), Dolby Digital Plus (E-AC-3) and DTS streams (`.ac3`, `.eac3`, `.dts`: a surround
 * mix or a DTS-CD rip kept as its bitstream) have no container and no tags, and music-metadata reads none of them.
 * ffmpeg decodes them, so the scanner reads what their first frame header says: the format, sample rate, channels
 * and bitrate, and the duration from the file's size. Layouts: ATSC A/52 (AC-3 syncinfo and bsi; E-AC-3 Annex E)
 * and ETSI TS 102 114 (the DTS core frame header).
 */
export interface RawStreamInfo {
  format: 'ac3' | 'eac3' | 'dts';
  codec: 'AC-3' | 'E-AC-3' | 'DTS';
  sampleRate: number;
  channels: number;
  /** Bits per second. */
  bitrate: number;
  durationS: number;
}

/** How far into the file a stream's first frame may start (some rips begin with a few zero bytes). */
const SEARCH_BYTES = 4096;
/** Enough for the first frame and the start of the second (a DTS frame is at most 16 KiB). */
const READ_BYTES = 64 * 1024;

const AC3_RATES = [48000, 44100, 32000];
/** kbit/s by frmsizecod >> 1. */
const AC3_BITRATES = [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 448, 512, 576, 640];
/** Full-bandwidth channels by acmod (1+1 dual mono counts two). */
const AC3_CHANNELS = [2, 1, 2, 3, 3, 4, 4, 5];
const DTS_RATES = [0, 8000, 16000, 32000, 0, 0, 11025, 22050, 44100, 0, 0, 12000, 24000, 48000, 0, 0];
const DTS_CHANNELS = [1, 2, 2, 2, 2, 3, 3, 4, 4, 5, 6, 6, 6, 7, 8, 8];

const isDolbySync = (b: Uint8Array, i: number): boolean => b[i] === 0x0b && b[i + 1] === 0x77;
const isDtsSync = (b: Uint8Array, i: number): boolean => b[i] === 0x7f && b[i + 1] === 0xfe && b[i + 2] === 0x80 && b[i + 3] === 0x01;

/** Reads bits most significant first from a byte offset. */
class BitReader {
  private bit: number;
  private readonly bytes: Uint8Array;
  constructor(bytes: Uint8Array, byteOffset: number) {
    this.bytes = bytes;
    this.bit = byteOffset * 8;
  }
  read(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++, this.bit++) v = (v << 1) | ((this.bytes[this.bit >> 3] >> (7 - (this.bit & 7))) & 1);
    return v;
  }
}

/** The stream's header, or null when the file does not start with an AC-3, E-AC-3 or DTS frame. */
export function readRawStreamHeader(path: string, sizeBytes: number): RawStreamInfo | null {
  const fd = openSync(path, 'r');
  let bytes: Uint8Array;
  try {
    const buf = Buffer.alloc(Math.min(READ_BYTES, sizeBytes));
    bytes = buf.subarray(0, readSync(fd, buf, 0, buf.length, 0));
  } finally {
    closeSync(fd);
  }
  for (let i = 0; i + 16 <= bytes.length && i < SEARCH_BYTES; i++) {
    if (isDolbySync(bytes, i)) return dolby(bytes, i, sizeBytes);
    if (isDtsSync(bytes, i)) return dts(bytes, i, sizeBytes);
    if (bytes[i] !== 0) return null;
  }
  return null;
}

function dolby(bytes: Uint8Array, at: number, sizeBytes: number): RawStreamInfo | null {
  const bsid = bytes[at + 5] >> 3;
  if (bsid <= 10) {
    const r = new BitReader(bytes, at + 4);
    const fscod = r.read(2);
    const frmsizecod = r.read(6);
    r.read(8); // bsid, bsmod
    const acmod = r.read(3);
    if (fscod === 3 || frmsizecod >> 1 >= AC3_BITRATES.length) return null;
    if ((acmod & 1) !== 0 && acmod !== 1) r.read(2); // cmixlev
    if ((acmod & 4) !== 0) r.read(2); // surmixlev
    if (acmod === 2) r.read(2); // dsurmod
    const lfeon = r.read(1);
    const bitrate = AC3_BITRATES[frmsizecod >> 1] * 1000;
    return {
      format: 'ac3', codec: 'AC-3', sampleRate: AC3_RATES[fscod], channels: AC3_CHANNELS[acmod] + lfeon, bitrate,
      durationS: ((sizeBytes - at) * 8) / bitrate,
    };
  }
  if (bsid > 16) return null;
  // E-AC-3: strmtyp, substreamid, frmsiz, then fscod and the block count (or a half rate)
  const r = new BitReader(bytes, at + 2);
  r.read(5);
  const frameBytes = (r.read(11) + 1) * 2;
  const fscod = r.read(2);
  const numblkscod = r.read(2);
  const acmod = r.read(3);
  const lfeon = r.read(1);
  const sampleRate = fscod === 3 ? [24000, 22050, 16000][numblkscod] : AC3_RATES[fscod];
  if (sampleRate === undefined) return null;
  const samplesPerFrame = (fscod === 3 ? 6 : [1, 2, 3, 6][numblkscod]) * 256;
  // A frame may carry dependent substreams after the independent one: the stride to the next independent frame is
  // what one frame's samples cost.
  const stride = strideToNext(bytes, at, frameBytes, (i) => isDolbySync(bytes, i) && bytes[i + 2] >> 6 !== 1);
  const framesPerSecond = sampleRate / samplesPerFrame;
  return {
    format: 'eac3', codec: 'E-AC-3', sampleRate, channels: AC3_CHANNELS[acmod] + lfeon, bitrate: Math.round(stride * 8 * framesPerSecond),
    durationS: (sizeBytes - at) / stride / framesPerSecond,
  };
}

function dts(bytes: Uint8Array, at: number, sizeBytes: number): RawStreamInfo | null {
  const r = new BitReader(bytes, at + 4);
  r.read(6); // FTYPE, SHORT
  r.read(1); // CPF
  const samplesPerFrame = (r.read(7) + 1) * 32;
  const frameBytes = r.read(14) + 1;
  const amode = r.read(6);
  const sampleRate = DTS_RATES[r.read(4)];
  r.read(5); // RATE (nominal)
  r.read(10); // fixed bit, DYNF, TIMEF, AUXF, HDCD, EXT_AUDIO_ID, EXT_AUDIO, ASPF
  const lff = r.read(2);
  if (!sampleRate || frameBytes < 96) return null;
  // DTS-HD puts an extension substream after each core frame: the stride to the next core frame counts it.
  const stride = strideToNext(bytes, at, frameBytes, (i) => isDtsSync(bytes, i));
  const framesPerSecond = sampleRate / samplesPerFrame;
  return {
    format: 'dts', codec: 'DTS', sampleRate, channels: (amode < DTS_CHANNELS.length ? DTS_CHANNELS[amode] : 2) + (lff === 1 || lff === 2 ? 1 : 0),
    bitrate: Math.round(stride * 8 * framesPerSecond),
    durationS: (sizeBytes - at) / stride / framesPerSecond,
  };
}

/** Bytes from the frame at `at` to the next frame that `isFrame` recognises, at or after `frameBytes`. */
function strideToNext(bytes: Uint8Array, at: number, frameBytes: number, isFrame: (i: number) => boolean): number {
  for (let i = at + frameBytes; i + 4 <= bytes.length; i++) if (isFrame(i)) return i - at;
  return frameBytes;
}
