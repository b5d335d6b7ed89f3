import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/main/core/db/database.ts';
import { setLabels } from '../../src/main/core/db/track-labels.ts';
import { makeAudioFile } from '../helpers/audio-fixtures.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { playWithMpv } from '../helpers/mpv.ts';
import { runCli } from '../helpers/run-cli.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

/** Files of the library, relative to Music/, with what the test gives them: a prediction or a person's label. */
const files = [
  { rel: 'Rock Band/01 Straight.mp3', format: 'mp3', title: 'Straight', artist: 'Rock Band', predicted: ['rock', 0.9] },
  { rel: 'Rock Band/#2 Hash & 100% Pure; Semi.flac', format: 'flac', title: 'Hash', artist: 'Rock Band', predicted: ['rock', 0.8] },
  { rel: 'Ünïcödé/Café ♪ 東京 #9.ogg', format: 'ogg', title: 'Café ♪', artist: '東京事変', predicted: ['jazz', 0.7] },
  { rel: 'Jazz Trio/Blue Note.opus', format: 'opus', title: 'Blue Note', artist: 'Jazz Trio', predicted: ['jazz', 0.3] },
  { rel: 'Both/two genres.m4a', format: 'm4a', title: 'Two Genres', artist: 'Both', label: ['Rock', 'Jazz'] },
  { rel: '#top level.mp3', format: 'mp3', title: 'Top', artist: null, predicted: ['metal', 0.95] },
] as const;

interface ParsedXspf {
  error: boolean;
  root: string;
  ns: string | null;
  version: string | null;
  title: string | null;
  tracks: { location: string; title: string; duration: number }[];
}

/**
 * Runs in the browser: Chromium's XML parser (libxml2) reports any well-formedness error as a <parsererror>
 * element. Kept as source text because this project's Node type-check has no DOM types.
 */
const parseXspfInBrowser = `(text) => {
  const doc = new DOMParser().parseFromString(text, 'application/xml');
  const ns = 'http://xspf.org/ns/0/';
  const first = (el, name) => el.getElementsByTagNameNS(ns, name)[0]?.textContent ?? '';
  return {
    error: doc.getElementsByTagName('parsererror').length > 0,
    root: doc.documentElement.localName,
    ns: doc.documentElement.namespaceURI,
    version: doc.documentElement.getAttribute('version'),
    title: [...doc.documentElement.children].find((c) => c.localName === 'title' && c.namespaceURI === ns)?.textContent ?? null,
    tracks: [...doc.getElementsByTagNameNS(ns, 'track')].map((t) => ({
      location: first(t, 'location'),
      title: first(t, 'title'),
      duration: Number(first(t, 'duration')),
    })),
  };
}`;

interface PlaylistList {
  [genre: string]: string[];
}

/** The entries (paths as written) of an M3U8 file. */
function m3u8Entries(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#'));
}

describe('genre-tagger playlist, played by a real player', () => {
  const tmp = makeTempDir();
  // Music and playlists side by side in one folder that will be moved as a whole.
  let home = join(tmp.dir, 'home');
  const db = join(tmp.dir, 'lib.sqlite');
  const music = (): string => join(home, 'Music');
  let browser: Browser | undefined;
  const expected: PlaylistList = { Jazz: ['Café ♪', 'Two Genres'], Metal: ['Top'], Rock: ['Straight', 'Hash', 'Two Genres'] };

  beforeAll(async () => {
    for (const f of files) {
      makeAudioFile(join(music(), f.rel), {
        format: f.format,
        seconds: 1,
        tags: { title: f.title, ...(f.artist ? { artist: f.artist } : {}), album: 'Fixture', track: String(files.indexOf(f) + 1) },
      });
    }
    home = realpathSync(home);
    const scan = await runCli(['scan', music(), '--db', db, '--no-classify', '--quiet']);
    expect(scan.code, scan.stderr).toBe(0);
    const lib = openDatabase(db);
    try {
      for (const f of files) {
        const id = lib.prepare('SELECT id FROM tracks WHERE path = ?').pluck().get(join(music(), f.rel)) as number;
        expect(id, f.rel).toBeGreaterThan(0);
        if ('predicted' in f) lib.prepare('UPDATE tracks SET predicted_genre = ?, predicted_confidence = ? WHERE id = ?').run(f.predicted[0], f.predicted[1], id);
        if ('label' in f) setLabels(lib, [id], [...f.label], 'corrected');
      }
    } finally {
      lib.close();
    }
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    tmp.cleanup();
  });

  const titlesOf = (file: string): string[] =>
    m3u8Entries(file).map((p) => files.find((f) => resolve(join(file, '..'), p) === join(music(), f.rel))?.title ?? `?${p}`);

  it('writes one M3U8 per genre (label wins, unsure left out, several genres per track) that mpv plays entry by entry', async () => {
    const r = await runCli(['playlist', '--all-genres', '--out', join(home, 'Playlists'), '--db', db, '--sort', 'album']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Left out: 1 unsure prediction \(under 50%; --include-unsure keeps them\)/);
    expect(readdirSync(join(home, 'Playlists')).sort()).toEqual(['Jazz.m3u8', 'Metal.m3u8', 'Rock.m3u8']);
    for (const [genre, titles] of Object.entries(expected)) {
      const file = join(home, 'Playlists', `${genre}.m3u8`);
      const text = readFileSync(file, 'utf8');
      expect(text.startsWith('#EXTM3U\n'), genre).toBe(true);
      expect(text.charCodeAt(0)).not.toBe(0xfeff);
      expect(titlesOf(file), genre).toEqual(titles);
      // Relative, "/"-separated paths; "#" starting a name is not taken for a comment.
      for (const p of m3u8Entries(file)) expect(p.startsWith('/'), p).toBe(false);
      const run = await playWithMpv(file);
      expect(run.code, run.output).toBe(0);
      expect(run.played, run.output).toHaveLength(titles.length);
    }
    expect(readFileSync(join(home, 'Playlists/Rock.m3u8'), 'utf8')).toContain('#EXTINF:1,Rock Band - Hash\n../Music/Rock Band/#2 Hash & 100% Pure; Semi.flac\n');
    expect(readFileSync(join(home, 'Playlists/Metal.m3u8'), 'utf8')).toContain('#EXTINF:1,Top\n../Music/#top level.mp3\n');
  }, 120_000);

  it('keeps playing after the music and the playlists are moved together', async () => {
    const moved = join(tmp.dir, 'elsewhere', 'mounted here');
    mkdirSync(join(tmp.dir, 'elsewhere'));
    renameSync(join(tmp.dir, 'home'), moved);
    try {
      for (const genre of Object.keys(expected)) {
        const run = await playWithMpv(join(moved, 'Playlists', `${genre}.m3u8`));
        expect(run.code, run.output).toBe(0);
        expect(run.played, run.output).toHaveLength(expected[genre].length);
        for (const p of run.played) expect(p.startsWith(join(moved, 'Playlists')), p).toBe(true);
      }
    } finally {
      renameSync(moved, join(tmp.dir, 'home'));
    }
  }, 120_000);

  it('writes XSPF: well-formed, XSPF namespace, every location resolving to the track file', async () => {
    const out = join(home, 'Lists');
    const byArtist: PlaylistList = { Jazz: ['Two Genres', 'Café ♪'], Metal: ['Top'], Rock: ['Two Genres', 'Straight', 'Hash'] };
    const r = await runCli(['playlist', '--all-genres', '--format', 'xspf', '--out', out, '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    browser = await launchBrowser();
    const page = await browser.newPage();
    for (const [genre, titles] of Object.entries(expected)) {
      const file = join(out, `${genre}.xspf`);
      const xml = readFileSync(file, 'utf8');
      const parsed = (await page.evaluate(`(${parseXspfInBrowser})(${JSON.stringify(xml)})`)) as ParsedXspf;
      expect(parsed).toMatchObject({ error: false, root: 'playlist', ns: 'http://xspf.org/ns/0/', version: '1', title: genre });
      const paths = parsed.tracks.map((t) => fileURLToPath(new URL(t.location, pathToFileURL(file))));
      for (const p of paths) expect(statSync(p).isFile(), p).toBe(true);
      // The default order: artist (unknown last), album, track number.
      expect(paths.map((p) => files.find((f) => join(music(), f.rel) === p)?.title)).toEqual(byArtist[genre]);
      expect(new Set(byArtist[genre])).toEqual(new Set(titles));
      for (const t of parsed.tracks) {
        expect(t.location).not.toMatch(/[ #;%](?![0-9A-F]{2})|[^\x21-\x7e]/);
        expect(t.duration).toBeGreaterThan(900);
        expect(t.duration).toBeLessThan(1200);
      }
    }
    const cafe = readFileSync(join(out, 'Jazz.xspf'), 'utf8');
    expect(cafe).toContain('<location>../Music/%C3%9Cn%C3%AFc%C3%B6d%C3%A9/Caf%C3%A9%20%E2%99%AA%20%E6%9D%B1%E4%BA%AC%20%239.ogg</location>');
  }, 120_000);

  it('--all-genres writes one file per genre whose counts match `list`', async () => {
    const list = await runCli(['list', '--db', db, '--json']);
    expect(list.code, list.stderr).toBe(0);
    const rows = list.stdout.trim().split('\n').map((l) => JSON.parse(l) as { status: string; predictedGenre: string | null; confidence: number | null });
    const counts: Record<string, number> = {};
    for (const row of rows) {
      if (row.status === 'ok' && row.predictedGenre && (row.confidence ?? 0) >= 0.5) counts[row.predictedGenre] = (counts[row.predictedGenre] ?? 0) + 1;
    }
    const out = join(tmp.dir, 'by-prediction');
    const r = await runCli(['playlist', '--all-genres', '--source', 'prediction', '--out', out, '--db', db, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { files: { name: string; path: string; count: number }[] };
    expect(Object.fromEntries(result.files.map((f) => [f.name.toLowerCase(), f.count]))).toEqual(counts);
    for (const f of result.files) expect(m3u8Entries(f.path)).toHaveLength(f.count);
  });

  it('keeps unsure predictions with --include-unsure, writes absolute paths on request, and cuts to --limit', async () => {
    const file = join(tmp.dir, 'single', 'jazz all.m3u8');
    const r = await runCli(['playlist', '--genre', 'jazz', '--include-unsure', '--absolute', '--out', file, '--db', db, '--sort', 'confidence']);
    expect(r.code, r.stderr).toBe(0);
    expect(m3u8Entries(file)).toEqual(['Both/two genres.m4a', 'Ünïcödé/Café ♪ 東京 #9.ogg', 'Jazz Trio/Blue Note.opus'].map((p) => join(music(), p)));
    const run = await playWithMpv(file, tmp.dir);
    expect(run.code, run.output).toBe(0);
    expect(run.played).toHaveLength(3);
    const limited = await runCli(['playlist', '--genre', 'jazz', '--include-unsure', '--limit', '1', '--out', file, '--db', db, '--sort', 'confidence']);
    expect(limited.stdout).toMatch(/\(replaced\)[\s\S]*2 tracks over --limit/);
    expect(m3u8Entries(file)).toHaveLength(1);
  });

  it('previews with --dry-run: counts and first entries, nothing written', async () => {
    const out = join(tmp.dir, 'dry');
    const r = await runCli(['playlist', '--genre', 'rock', '--dry-run', '--out', out, '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      'Rock.m3u8: 3 tracks\n' +
        `  Both - Two Genres  (${join(music(), 'Both/two genres.m4a')})\n` +
        `  Rock Band - Straight  (${join(music(), 'Rock Band/01 Straight.mp3')})\n` +
        `  Rock Band - Hash  (${join(music(), 'Rock Band/#2 Hash & 100% Pure; Semi.flac')})\n` +
        'Nothing was written (--dry-run).\n',
    );
    expect(existsSync(out)).toBe(false);
  });

  it('writes a Navidrome smart playlist selecting by genre tag', async () => {
    const file = join(tmp.dir, 'nsp', 'rock.nsp');
    const r = await runCli(['playlist', '--genre', 'ROCK', '--format', 'nsp', '--sort', 'random', '--out', file, '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ name: 'Rock', all: [{ is: { genre: 'Rock' } }], sort: 'random' });
  });

  it('says clearly when nothing matches, and writes no file', async () => {
    const out = join(tmp.dir, 'empty');
    const r = await runCli(['playlist', '--genre', 'blues', '--out', out, '--db', db]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/No track has the genre Blues; nothing was written\./);
    expect(existsSync(out)).toBe(false);
    const unsure = await runCli(['playlist', '--genre', 'jazz', '--source', 'prediction', '--min-confidence', '0.8', '--out', out, '--db', db]);
    expect(unsure.code).toBe(1);
    expect(unsure.stderr).toMatch(/1 unsure prediction \(under 50%\) left out.*1 prediction under the least confidence left out/);
    const usage = await runCli(['playlist', '--db', db]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/Say which playlists[\s\S]*Usage: genre-tagger playlist/);
  });
});
