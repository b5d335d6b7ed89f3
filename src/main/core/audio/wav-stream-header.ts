/**
 * The header ffmpeg writes before the samples when it streams a WAV to a pipe: RIFF/WAVE, a `fmt ` chunk and
 * possibly others (LIST, fact), then `data`. On a pipe the size fields are placeholders, so only the layout is
 * read: channel count, sample rate, sample format; the samples run to the end of the stream.
 */
export interface WavStreamHeader {
  channels: number;
  sampleRate: number;
  /** 3 = IEEE float, 1 = PCM integer (WAVE_FORMAT_EXTENSIBLE resolved to its sub-format). */
  formatTag: number;
  bitsPerSample: number;
  /** Bytes of header before the first sample. */
  dataOffset: number;
}

const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

/**
 * Parses the header at the start of `buf`; null while more bytes are needed. Throws on anything that is not a
 * WAV header (the stream is ffmpeg's own output, so that would be a bug, not a bad file).
 */
export function parseWavStreamHeader(buf: Uint8Array): WavStreamHeader | null {
  if (buf.length < 12) return null;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const tag = (o: number): string => String.fromCharCode(buf[o], buf[o + 1], buf[o + 2], buf[o + 3]);
  if (tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new Error(`Not a WAV stream (starts with ${JSON.stringify(tag(0))})`);
  let o = 12;
  let fmt: Omit<WavStreamHeader, 'dataOffset'> | null = null;
  for (;;) {
    if (buf.length < o + 8) return null;
    const id = tag(o);
    const size = view.getUint32(o + 4, true);
    if (id === 'data') {
      if (!fmt) throw new Error('WAV stream: data before fmt');
      return { ...fmt, dataOffset: o + 8 };
    }
    if (buf.length < o + 8 + size) return null;
    if (id === 'fmt ') {
      let formatTag = view.getUint16(o + 8, true);
      const channels = view.getUint16(o + 10, true);
      const sampleRate = view.getUint32(o + 12, true);
      const bitsPerSample = view.getUint16(o + 22, true);
      // The sub-format GUID of WAVE_FORMAT_EXTENSIBLE starts with the plain format tag.
      if (formatTag === WAVE_FORMAT_EXTENSIBLE && size >= 40) formatTag = view.getUint16(o + 32, true);
      if (channels < 1) throw new Error('WAV stream: no channels');
      fmt = { channels, sampleRate, formatTag, bitsPerSample };
    }
    o += 8 + size + (size & 1);
  }
}
