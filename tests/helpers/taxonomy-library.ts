import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { requireGtzan } from './gtzan.ts';
import { runCli } from './run-cli.ts';

export interface TaxonomyTrack {
  path: string;
  title: string;
  /** The person's genre for it (what its tag says when tagged). */
  genre: string;
  tagged: boolean;
}

export interface TaxonomyLibraryOptions {
  /** Per GTZAN genre folder: the person's name for the genre, and how many of its clips carry it as a genre tag. */
  genres: { folder: string; genre: string; tagged: number }[];
  perGenre: number;
  /** false: scanned but not classified (no track listened to yet); default true. */
  listen?: boolean;
  /** false: the genre tags are not imported as labels (the test imports them itself); default true. */
  importTags?: boolean;
}

/**
 * A small real library in the person's own taxonomy: short GTZAN clips (the first 12 s, mono Opus) in one folder
 * per genre, with title, artist, an album per pair of clips and, for the first `tagged` of each genre, a genre tag.
 * Classified with the shipped models (`genre-tagger classify`) into `db` (or only scanned), its tags imported as labels
 * (unless options.importTags is false).
 */
export async function buildTaxonomyLibrary(music: string, db: string, env: NodeJS.ProcessEnv, options: TaxonomyLibraryOptions): Promise<TaxonomyTrack[]> {
  const gtzan = requireGtzan();
  const tracks: TaxonomyTrack[] = [];
  for (const { folder, genre, tagged: taggedCount } of options.genres) {
    const dir = join(music, folder);
    mkdirSync(dir, { recursive: true });
    const clips = readdirSync(join(gtzan, 'audio', folder)).filter((f) => f.endsWith('.opus')).sort();
    for (let i = 0; i < options.perGenre; i++) {
      const path = join(dir, `${folder}-${i}.opus`);
      const title = `${folder} ${i}`;
      const tagged = i < taggedCount;
      execFileSync('ffmpeg', ['-v', 'error', '-t', '12', '-i', join(gtzan, 'audio', folder, clips[i]), '-ac', '1', '-c:a', 'libopus', '-b:a', '48k',
        '-metadata', `title=${title}`, '-metadata', `artist=${folder} band`, '-metadata', `album=${folder} album ${Math.floor(i / 2)}`,
        ...(tagged ? ['-metadata', `genre=${genre}`] : []), path]);
      tracks.push({ path, title, genre, tagged });
    }
  }
  const listen = options.listen ?? true;
  const classified = await runCli(listen ? ['classify', music, '--db', db, '--quiet'] : ['scan', music, '--db', db, '--no-classify', '--quiet'], { env });
  if (classified.code !== 0) throw new Error(`${listen ? 'classify' : 'scan'} failed:\n${classified.stderr}`);
  if (options.importTags === false) return tracks;
  const imported = await runCli(['labels', 'import-tags', '--db', db], { env });
  if (imported.code !== 0) throw new Error(`labels import-tags failed:\n${imported.stderr}`);
  return tracks;
}
