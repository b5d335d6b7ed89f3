import { describe, expect, it } from 'vitest';
import { browserContentType } from '../../../src/main/core/audio/browser-audio-format.ts';
import { parseByteRange } from '../../../src/main/core/audio/byte-range.ts';
import { audioUrl, parseAudioStart, parseAudioTrackId } from '../../../src/shared/api/audio.ts';

describe('Range headers', () => {
  it('reads first-last, open and suffix ranges, clamped to the file', () => {
    expect(parseByteRange('bytes=0-99', 1000)).toEqual({ start: 0, end: 99 });
    expect(parseByteRange('bytes=500-', 1000)).toEqual({ start: 500, end: 999 });
    expect(parseByteRange('bytes=900-5000', 1000)).toEqual({ start: 900, end: 999 });
    expect(parseByteRange('bytes=-100', 1000)).toEqual({ start: 900, end: 999 });
    expect(parseByteRange('bytes=-5000', 1000)).toEqual({ start: 0, end: 999 });
    expect(parseByteRange('BYTES = 1 - 2', 1000)).toEqual({ start: 1, end: 2 });
  });

  it('says a range past the end is unsatisfiable (416)', () => {
    expect(parseByteRange('bytes=1000-', 1000)).toBe('unsatisfiable');
    expect(parseByteRange('bytes=2000-3000', 1000)).toBe('unsatisfiable');
    expect(parseByteRange('bytes=-0', 1000)).toBe('unsatisfiable');
    expect(parseByteRange('bytes=0-', 0)).toBe('unsatisfiable');
  });

  it('ignores what is no single byte range (the whole file is sent)', () => {
    for (const h of [undefined, null, '', 'bytes=-', 'bytes=5-1', 'items=0-1', 'bytes=0-1,5-9', 'bytes=a-b', 'bytes=99999999999999999999-']) {
      expect(parseByteRange(h, 1000), String(h)).toBeNull();
    }
  });
});

describe('which formats the browser plays as they are', () => {
  const bytes = (s: string) => new Uint8Array([...s].map((c) => c.charCodeAt(0)));
  it('streams MP3, FLAC, Vorbis, Opus, AAC and PCM WAV as they are', () => {
    expect(browserContentType('mp3', 'MPEG 1 Layer 3', bytes('ID3\x04'))).toBe('audio/mpeg');
    expect(browserContentType('flac', 'FLAC', bytes('fLaC'))).toBe('audio/flac');
    expect(browserContentType('ogg', 'Vorbis I', bytes('OggS'))).toBe('audio/ogg');
    expect(browserContentType('opus', 'Opus', bytes('OggS'))).toBe('audio/ogg');
    expect(browserContentType('m4a', 'MPEG-4/AAC', bytes('\0\0\0 '))).toBe('audio/mp4');
    expect(browserContentType('aac', 'AAC', new Uint8Array([0xff, 0xf1, 0x50, 0x80]))).toBe('audio/aac');
    expect(browserContentType('wav', 'PCM', bytes('RIFF'))).toBe('audio/wav');
  });

  it('transcodes the rest', () => {
    expect(browserContentType('wma', 'Windows Media Audio 9', bytes('0&\xb2u'))).toBeNull();
    expect(browserContentType('alac', 'ALAC', bytes('\0\0\0 '))).toBeNull();
    expect(browserContentType('aiff', 'PCM', bytes('FORM'))).toBeNull();
    expect(browserContentType('flac', 'FLAC', bytes('OggS'))).toBeNull();
    expect(browserContentType('wav', 'non-PCM (65534)', bytes('RIFF'))).toBeNull();
    expect(browserContentType('wav', 'ADPCM', bytes('RIFF'))).toBeNull();
    expect(browserContentType('m4a', 'AC-3', bytes('\0\0\0 '))).toBeNull();
    for (const f of ['ape', 'wv', 'mpc', 'dsd', 'mp2', 'mka', 'unknown', null]) expect(browserContentType(f, null, bytes('xxxx')), String(f)).toBeNull();
  });
});

describe('audio addresses', () => {
  it('names a track by id in each shell, with the token and a start time where given', () => {
    expect(audioUrl('electron', 12)).toBe('genre-audio://track/12');
    expect(audioUrl('electron', 12, { startS: 61.5, token: 'ignored' })).toBe('genre-audio://track/12?t=61.500');
    expect(audioUrl('http', 12, { token: 'a+b/c' })).toBe('/audio/12?token=a%2Bb%2Fc');
    expect(audioUrl('http', 12, { token: 'tok', startS: 0 })).toBe('/audio/12?token=tok');
  });

  it('reads back only a positive integer id and a non-negative start', () => {
    expect(parseAudioTrackId('/12')).toBe(12);
    for (const p of ['/0', '/012', '/-1', '/1.5', '/12/', '/abc', '//12', '/../12', '/12345678901234567890']) expect(parseAudioTrackId(p), p).toBeNull();
    expect(parseAudioStart('12.5')).toBe(12.5);
    for (const v of [null, '', '-3', 'NaN', 'Infinity', 'x']) expect(parseAudioStart(v), String(v)).toBe(0);
  });
});
