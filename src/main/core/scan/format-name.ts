/**
 * Short, user-facing format name from music-metadata's container and codec strings
 * (e.g. container 'Ogg' + codec 'Opus' -> 'opus', 'M4A/isom/iso2' + 'ALAC' -> 'alac').
 */
export function formatName(container: string | undefined, codec: string | undefined): string {
  const c = (container ?? '').toLowerCase();
  const k = (codec ?? '').toLowerCase();
  if (c.startsWith('mpeg') && k.includes('layer 3')) return 'mp3';
  if (c.startsWith('mpeg') && k.includes('layer 2')) return 'mp2';
  if (c === 'flac' || (c === 'ogg' && k === 'flac')) return 'flac';
  if (c === 'ogg' && k.startsWith('opus')) return 'opus';
  if (c === 'ogg' && k.startsWith('vorbis')) return 'ogg';
  if (c === 'ogg') return 'ogg';
  if (c.startsWith('m4a') || c.startsWith('mp4') || c.includes('isom') || c.startsWith('m4b')) {
    return k.includes('alac') ? 'alac' : 'm4a';
  }
  if (c.startsWith('adts') || k.includes('aac')) return 'aac';
  if (c === 'wave' || c === 'riff') return 'wav';
  if (c === 'aiff' || c === 'aiff-c') return 'aiff';
  if (c.startsWith('asf')) return 'wma';
  if (c.includes('monkey')) return 'ape';
  if (c.includes('wavpack')) return 'wv';
  if (c.includes('musepack')) return 'mpc';
  if (c.startsWith('dsf') || c.startsWith('dsdiff')) return 'dsd';
  if (c.includes('matroska') || c.includes('webm') || c.includes('ebml')) return 'mka';
  return c.split('/')[0] || k || 'unknown';
}
