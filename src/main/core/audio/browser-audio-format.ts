/**
 * Whether a Chromium browser (Electron's, Chrome's) plays a file as it is, and under which Content-Type; null
 * when it has to be transcoded. `format` and `codec` are what the scanner stored (format-name.ts); `magic` is the
 * file's first bytes, which tell native FLAC from FLAC in Ogg.
 *
 * Played as they are: MP3, FLAC, Ogg Vorbis, Ogg Opus, AAC (in MP4 or ADTS) and 16-bit PCM WAV. Transcoded:
 * WMA, ALAC, AIFF, APE, WavPack, Musepack, DSD, MP2, Matroska, FLAC in Ogg, WAV that is not plain PCM
 * (extensible, float, ADPCM…), and anything not recognised.
 */
export function browserContentType(format: string | null, codec: string | null, magic: Uint8Array): string | null {
  const c = (codec ?? '').toLowerCase();
  switch (format) {
    case 'mp3':
      return 'audio/mpeg';
    case 'flac':
      return startsWith(magic, 'fLaC') || startsWith(magic, 'ID3') ? 'audio/flac' : null;
    case 'opus':
      return 'audio/ogg';
    case 'ogg':
      return c.startsWith('vorbis') ? 'audio/ogg' : null;
    case 'm4a':
      return c.includes('aac') ? 'audio/mp4' : null;
    case 'aac':
      return startsWith(magic, 'ID3') || (magic.length >= 2 && magic[0] === 0xff && (magic[1] & 0xf6) === 0xf0) ? 'audio/aac' : null;
    case 'wav':
      return c === 'pcm' ? 'audio/wav' : null;
    default:
      return null;
  }
}

function startsWith(bytes: Uint8Array, text: string): boolean {
  if (bytes.length < text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[i] !== text.charCodeAt(i)) return false;
  return true;
}
