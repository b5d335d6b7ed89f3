import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeAudioFile } from './audio-fixtures.ts';
import type { FixtureFormat } from './audio-fixtures.ts';

export interface ExpectedTrack {
  rel: string;
  format: string;
  title: string | null;
  artist: string | null;
  genres: string[];
}

export interface ExpectedError {
  rel: string;
  reason: RegExp;
}

export interface LibraryFixture {
  root: string;
  tracks: ExpectedTrack[];
  /** Files that are tracks with status 'error'. */
  errors: ExpectedError[];
  /** Paths reported as scan issues (not tracks): broken links, unreadable folders. */
  issues: ExpectedError[];
}

const tagged: { format: FixtureFormat; ext: string; name: string }[] = [
  { format: 'mp3', ext: 'mp3', name: 'mp3' },
  { format: 'flac', ext: 'flac', name: 'flac' },
  { format: 'ogg', ext: 'ogg', name: 'ogg' },
  { format: 'opus', ext: 'opus', name: 'opus' },
  { format: 'm4a', ext: 'm4a', name: 'm4a' },
  { format: 'alac', ext: 'm4a', name: 'alac' },
  { format: 'wav', ext: 'wav', name: 'wav' },
  { format: 'aiff', ext: 'aiff', name: 'aiff' },
  { format: 'wma', ext: 'wma', name: 'wma' },
];

/**
 * A small real library: every supported format with tags and without, unicode names, nested folders, broken
 * files of each kind, non-audio files, a symlink loop and a broken link.
 */
export function buildLibraryFixture(root: string): LibraryFixture {
  const tracks: ExpectedTrack[] = [];
  const errors: ExpectedError[] = [];
  const issues: ExpectedError[] = [];
  for (const t of tagged) {
    const rel = `Tagged/${t.name}.${t.ext}`;
    makeAudioFile(join(root, rel), {
      format: t.format,
      seconds: 1.5,
      tags: { title: `Song ${t.name}`, artist: 'Test Artist', album: 'Formats', genre: 'Jazz' },
    });
    tracks.push({ rel, format: t.name, title: `Song ${t.name}`, artist: 'Test Artist', genres: ['Jazz'] });
    const bare = `Untagged/bare-${t.name}.${t.ext}`;
    makeAudioFile(join(root, bare), { format: t.format, seconds: 1.2, source: 'sine=frequency=220' });
    tracks.push({ rel: bare, format: t.name, title: null, artist: null, genres: [] });
  }
  // Several genres in one ID3v2.4 frame, and unicode everywhere.
  const multi = 'Ünïcödé/Motörhead – Ace of Spades ♠.mp3';
  makeAudioFile(join(root, multi), {
    format: 'mp3',
    seconds: 1,
    tags: { title: 'Ace of Spades ♠', artist: 'Motörhead', genre: 'Rock;Metal' },
  });
  tracks.push({ rel: multi, format: 'mp3', title: 'Ace of Spades ♠', artist: 'Motörhead', genres: ['Rock', 'Metal'] });
  const cjk = 'Ünïcödé/東京/夜.flac';
  makeAudioFile(join(root, cjk), { format: 'flac', seconds: 1, tags: { title: '夜', artist: '東京事変', genre: 'J-Pop' } });
  tracks.push({ rel: cjk, format: 'flac', title: '夜', artist: '東京事変', genres: ['J-Pop'] });
  // A FLAC file with the wrong extension is read by content.
  const disguised = 'Odd/really-flac.mp3';
  makeAudioFile(join(root, disguised), { format: 'flac', seconds: 1, tags: { title: 'Disguised', genre: 'Blues' } });
  tracks.push({ rel: disguised, format: 'flac', title: 'Disguised', artist: null, genres: ['Blues'] });

  // Broken files.
  mkdirSync(join(root, 'Broken'), { recursive: true });
  writeFileSync(join(root, 'Broken/empty.flac'), '');
  errors.push({ rel: 'Broken/empty.flac', reason: /empty/i });
  writeFileSync(join(root, 'Broken/notes-not-audio.mp3'), 'These are liner notes, not audio.\n'.repeat(20));
  errors.push({ rel: 'Broken/notes-not-audio.mp3', reason: /not an audio file/i });
  const full = makeAudioFile(join(root, 'Broken/full.mp3'), { format: 'mp3', seconds: 4 });
  truncateCopy(full, join(root, 'Broken/truncated.mp3'), 3000);
  errors.push({ rel: 'Broken/truncated.mp3', reason: /truncated/i });
  const wav = makeAudioFile(join(root, 'Broken/full.wav'), { format: 'wav', seconds: 2 });
  truncateCopy(wav, join(root, 'Broken/truncated.wav'), 20000);
  errors.push({ rel: 'Broken/truncated.wav', reason: /truncated/i });
  tracks.push({ rel: 'Broken/full.mp3', format: 'mp3', title: null, artist: null, genres: [] });
  tracks.push({ rel: 'Broken/full.wav', format: 'wav', title: null, artist: null, genres: [] });
  const garbage = Buffer.alloc(4096);
  for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919 + 13) % 251;
  writeFileSync(join(root, 'Broken/garbage.flac'), garbage);
  errors.push({ rel: 'Broken/garbage.flac', reason: /not an audio file|corrupt|not a supported/i });
  const headerOnly = Buffer.concat([Buffer.from('fLaC'), Buffer.from([0x80, 0x00, 0x00, 0x22]), Buffer.alloc(10)]);
  writeFileSync(join(root, 'Broken/corrupt-header.flac'), headerOnly);
  errors.push({ rel: 'Broken/corrupt-header.flac', reason: /corrupt|truncated|unreadable/i });

  // Not audio: skipped silently.
  writeFileSync(join(root, 'Tagged/cover.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]));
  writeFileSync(join(root, 'Tagged/playlist.m3u'), '#EXTM3U\n');
  writeFileSync(join(root, '.hidden.mp3'), 'hidden files are ignored');
  // A link back up the tree (a loop) and a broken link.
  symlinkSync('..', join(root, 'Tagged/loop'));
  symlinkSync(join(root, 'nowhere.mp3'), join(root, 'Odd/dangling.mp3'));
  issues.push({ rel: 'Odd/dangling.mp3', reason: /broken link/i });
  // A named pipe with an audio name: reading it would block; it is skipped and reported, not dropped quietly.
  execFileSync('mkfifo', [join(root, 'Odd/stream.flac')]);
  issues.push({ rel: 'Odd/stream.flac', reason: /named pipe/i });
  // Names in Latin-1, as copied from an old Windows disk: "café.mp3" and a folder "Björk" (é = 0xE9, ö = 0xF6).
  // Linux allows any bytes in a name; Node reads them with U+FFFD in place of each invalid byte and cannot open that.
  const latin1 = (folder: string, name: (string | number)[]): Buffer =>
    Buffer.concat([Buffer.from(`${root}/${folder}/`), ...name.map((x) => (typeof x === 'number' ? Buffer.from([x]) : Buffer.from(x)))]);
  renameSync(makeAudioFile(join(root, 'Odd/cafe.mp3'), { format: 'mp3', seconds: 1 }), latin1('Odd', ['caf', 0xe9, '.mp3']));
  issues.push({ rel: 'Odd/caf\uFFFD.mp3', reason: /name is not valid UTF-8/ });
  makeAudioFile(join(root, 'Odd/Bjork/Joga.flac'), { format: 'flac', seconds: 1 });
  renameSync(join(root, 'Odd/Bjork'), latin1('Odd', ['Bj', 0xf6, 'rk']));
  issues.push({ rel: 'Odd/Bj\uFFFDrk', reason: /name is not valid UTF-8/ });
  return { root, tracks, errors, issues };
}

function truncateCopy(from: string, to: string, bytes: number): void {
  writeFileSync(to, readFileSync(from).subarray(0, bytes));
}
