import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { PlaylistExportError, writePlaylists } from '../../../src/main/core/playlists/export-playlists.ts';
import type { PlannedPlaylist } from '../../../src/main/core/playlists/plan-playlists.ts';
import { playlistFileStem, uniqueFileNames } from '../../../src/main/core/playlists/playlist-file-name.ts';
import { encodeUriSegment, locationUri, trackLocation } from '../../../src/main/core/playlists/playlist-locations.ts';
import { renderM3u8 } from '../../../src/main/core/playlists/write-m3u8.ts';
import { renderNsp } from '../../../src/main/core/playlists/write-nsp.ts';
import { renderXspf } from '../../../src/main/core/playlists/write-xspf.ts';
import type { PlaylistEntry } from '../../../src/shared/api/playlists.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

const entry = (path: string, more: Partial<PlaylistEntry> = {}): PlaylistEntry => ({
  trackId: 1,
  path,
  title: null,
  artist: null,
  album: null,
  trackNo: null,
  durationS: null,
  reason: 'prediction',
  confidence: 0.9,
  ...more,
});

describe('track locations', () => {
  it('are relative to the playlist folder with "/" by default, absolute on request', () => {
    expect(trackLocation('/m/Music/A/x.mp3', '/m/Playlists', 'relative')).toEqual({ path: '../Music/A/x.mp3', relative: true });
    expect(trackLocation('/m/Music/x.mp3', '/m/Music', 'relative')).toEqual({ path: 'x.mp3', relative: true });
    expect(trackLocation('/m/Music/x.mp3', '/m/Playlists', 'absolute')).toEqual({ path: '/m/Music/x.mp3', relative: false });
  });

  it('percent-encode every byte that is not unreserved, as UTF-8 (RFC 3986)', () => {
    expect(encodeUriSegment('a b#c%d;e?f:g')).toBe('a%20b%23c%25d%3Be%3Ff%3Ag');
    expect(encodeUriSegment('Ünï 東.mp3')).toBe('%C3%9Cn%C3%AF%20%E6%9D%B1.mp3');
    expect(encodeUriSegment("A-Z_a.z~0(1)!'*&+,=@$")).toBe('A-Z_a.z~0%281%29%21%27%2A%26%2B%2C%3D%40%24');
    expect(encodeUriSegment('🎵')).toBe('%F0%9F%8E%B5');
  });

  it('become file URIs that resolve back to the exact path, and relative references that resolve from the playlist', () => {
    const path = '/music/AC;DC #1 100% Ünï 東京/?&.mp3';
    const uri = locationUri({ path, relative: false });
    expect(uri).toBe('file:///music/AC%3BDC%20%231%20100%25%20%C3%9Cn%C3%AF%20%E6%9D%B1%E4%BA%AC/%3F%26.mp3');
    expect(fileURLToPath(uri)).toBe(path);
    const rel = locationUri({ path: '../Music/a:b #c.mp3', relative: true });
    expect(rel).toBe('../Music/a%3Ab%20%23c.mp3');
    expect(fileURLToPath(new URL(rel, pathToFileURL('/x/Playlists/Rock.xspf')))).toBe('/x/Music/a:b #c.mp3');
    expect(locationUri({ path: 'C:/Music/x y.mp3', relative: false })).toBe('file:///C:/Music/x%20y.mp3');
    expect(locationUri({ path: '//server/share/x y.mp3', relative: false })).toBe('file://server/share/x%20y.mp3');
  });
});

describe('M3U8', () => {
  const entries = [
    entry('/m/Music/A/b.mp3', { title: 'Song', artist: 'Art', durationS: 201.6 }),
    entry('/m/Music/#1 hit.mp3', { title: null, artist: null, durationS: null }),
    entry('/m/Playlists/#top.mp3', { title: 'Top\nline', artist: 'X' }),
    entry('/m/Music/100% pure; Ünï.flac', { title: 'P', artist: null, durationS: 3 }),
  ];
  const text = renderM3u8('Rock', entries, (e) => trackLocation(e.path, '/m/Playlists', 'relative')).text;

  it('starts with #EXTM3U, has #EXTINF:<seconds>,<Artist> - <Title> per entry and plain "/" paths', () => {
    expect(text).toBe(
      [
        '#EXTM3U',
        '#PLAYLIST:Rock',
        '#EXTINF:202,Art - Song',
        '../Music/A/b.mp3',
        '#EXTINF:-1,#1 hit',
        '../Music/#1 hit.mp3',
        '#EXTINF:-1,X - Top line',
        './#top.mp3',
        '#EXTINF:3,P',
        '../Music/100% pure; Ünï.flac',
        '',
      ].join('\n'),
    );
  });

  it('is UTF-8 without a byte-order mark', () => {
    const bytes = Buffer.from(text, 'utf8');
    expect([...bytes.subarray(0, 7)]).toEqual([...Buffer.from('#EXTM3U')]);
    expect(bytes.includes(Buffer.from('Ünï', 'utf8'))).toBe(true);
  });

  it('leaves out a path with a line break (a line cannot hold it) and counts it', () => {
    const r = renderM3u8('x', [entry('/m/a\nb.mp3'), entry('/m/c.mp3')], (e) => trackLocation(e.path, '/m', 'relative'));
    expect(r.skipped).toBe(1);
    expect(r.text).toBe('#EXTM3U\n#PLAYLIST:x\n#EXTINF:-1,c\nc.mp3\n');
  });
});

describe('XSPF', () => {
  it('writes version 1 in the XSPF namespace with encoded locations and escaped text', () => {
    const text = renderXspf(
      'R&B <live>',
      [entry('/m/Music/AC;DC/#1 & 100%.mp3', { title: 'A <b> & "c"', artist: 'AC;DC', album: 'Live', trackNo: 3, durationS: 61.25 })],
      (e) => trackLocation(e.path, '/m/Playlists', 'relative'),
    ).text;
    expect(text).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<playlist version="1" xmlns="http://xspf.org/ns/0/">',
        '  <title>R&amp;B &lt;live&gt;</title>',
        '  <creator>Genre Tagger</creator>',
        '  <trackList>',
        '    <track>',
        '      <location>../Music/AC%3BDC/%231%20%26%20100%25.mp3</location>',
        '      <title>A &lt;b&gt; &amp; &quot;c&quot;</title>',
        '      <creator>AC;DC</creator>',
        '      <album>Live</album>',
        '      <trackNum>3</trackNum>',
        '      <duration>61250</duration>',
        '    </track>',
        '  </trackList>',
        '</playlist>',
        '',
      ].join('\n'),
    );
  });

  it('drops characters XML cannot hold', () => {
    const text = renderXspf('x', [entry('/m/a.mp3', { title: 'bad\u0001\u0008 title' })], (e) => trackLocation(e.path, '/m', 'absolute')).text;
    expect(text).toContain('<title>bad title</title>');
    expect(text).toContain('<location>file:///m/a.mp3</location>');
  });
});

describe('Navidrome smart playlist', () => {
  it('selects by genre tag, with sort and limit', () => {
    expect(JSON.parse(renderNsp('Hip Hop', 'Hip Hop', 'random', 50))).toEqual({
      name: 'Hip Hop',
      comment: 'Tracks whose genre tag is Hip Hop (exported by Genre Tagger)',
      all: [{ is: { genre: 'Hip Hop' } }],
      sort: 'random',
      order: 'asc',
      limit: 50,
    });
    expect(JSON.parse(renderNsp('Rock', 'Rock', 'album', undefined))).not.toHaveProperty('limit');
  });
});

describe('playlist file names', () => {
  it('replace characters file systems forbid and stay distinct ignoring case', () => {
    expect(playlistFileStem('R/B: "best" *?')).toBe('R_B_ _best_ __');
    expect(playlistFileStem('con')).toBe('_con');
    expect(playlistFileStem('...')).toBe('playlist');
    expect(playlistFileStem('Rock. ')).toBe('Rock');
    expect(uniqueFileNames(['Rock', 'rock', 'R/B', 'R_B'], 'm3u8')).toEqual(['Rock.m3u8', 'rock (2).m3u8', 'R_B.m3u8', 'R_B (2).m3u8']);
  });
});

describe('writing playlists into a folder', () => {
  const tmp = makeTempDir();
  afterAll(() => tmp.cleanup());
  const plan = (name: string, paths: string[]): PlannedPlaylist => ({ name, genre: name, entries: paths.map((p) => entry(p)) });

  it('writes one file per playlist, replaces its own file, and touches no other file', () => {
    const dir = join(tmp.dir, 'out');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    writeFileSync(join(dir, 'Rock.m3u8'), 'old');
    const options = { format: 'm3u8' as const, out: dir, paths: 'relative' as const, sort: 'artist' as const, limit: undefined };
    const r = writePlaylists([plan('Rock', ['/m/a.mp3']), plan('Jazz', ['/m/b.mp3', '/m/c.mp3'])], options);
    expect(r.files.map((f) => [f.name, f.count, f.replaced])).toEqual([['Rock', 1, true], ['Jazz', 2, false]]);
    expect(readdirSync(dir).sort()).toEqual(['Jazz.m3u8', 'Rock.m3u8', 'notes.txt']);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
    expect(readFileSync(join(dir, 'Rock.m3u8'), 'utf8')).toMatch(/^#EXTM3U\n/);
  });

  it('replaces a playlist by renaming a complete new file over it, never by writing into the old one', () => {
    const dir = join(tmp.dir, 'atomic');
    mkdirSync(dir);
    writeFileSync(join(dir, 'Rock.m3u8'), 'old content');
    // A second name for the old file: an in-place write would change what it reads too.
    linkSync(join(dir, 'Rock.m3u8'), join(dir, 'old-link'));
    writePlaylists([plan('Rock', ['/m/a.mp3'])], { format: 'm3u8', out: dir, paths: 'relative', sort: 'artist', limit: undefined });
    expect(readFileSync(join(dir, 'old-link'), 'utf8')).toBe('old content');
    expect(readFileSync(join(dir, 'Rock.m3u8'), 'utf8')).toBe(`#EXTM3U\n#PLAYLIST:Rock\n#EXTINF:-1,a\n${relative(realpathSync(dir), '/m/a.mp3')}\n`);
    expect(readdirSync(dir).sort()).toEqual(['Rock.m3u8', 'old-link']);
  });

  it('creates a new folder, or writes one file at a path with the right extension', () => {
    const options = { format: 'xspf' as const, paths: 'absolute' as const, sort: 'artist' as const, limit: undefined };
    writePlaylists([plan('Rock', ['/m/a.mp3'])], { ...options, out: join(tmp.dir, 'new/deeper') });
    expect(existsSync(join(tmp.dir, 'new/deeper/Rock.xspf'))).toBe(true);
    writePlaylists([plan('Rock', ['/m/a.mp3'])], { ...options, out: join(tmp.dir, 'one/mine.xspf') });
    expect(readdirSync(join(tmp.dir, 'one'))).toEqual(['mine.xspf']);
  });

  it('refuses a file path for several playlists, a wrong extension, and a view as a smart playlist', () => {
    const options = { format: 'm3u8' as const, paths: 'relative' as const, sort: 'artist' as const, limit: undefined };
    const two = [plan('Rock', ['/m/a.mp3']), plan('Jazz', ['/m/b.mp3'])];
    expect(() => writePlaylists(two, { ...options, out: join(tmp.dir, 'x.m3u8') })).toThrow(/2 playlists .* give a folder/);
    expect(() => writePlaylists(two.slice(0, 1), { ...options, out: join(tmp.dir, 'x.xspf') })).toThrow(/ends in \.xspf, but the format is m3u8/);
    writeFileSync(join(tmp.dir, 'song.mp3'), 'x');
    expect(() => writePlaylists(two.slice(0, 1), { ...options, out: join(tmp.dir, 'song.mp3') })).toThrow(PlaylistExportError);
    const view: PlannedPlaylist = { name: 'All tracks', genre: null, entries: [entry('/m/a.mp3')] };
    expect(() => writePlaylists([view], { ...options, format: 'nsp', out: tmp.dir })).toThrow(/selects tracks by genre tag/);
    expect(() => writePlaylists(two, { ...options, format: 'nsp', sort: 'confidence', out: tmp.dir })).toThrow(/cannot sort by confidence/);
    expect(existsSync(join(tmp.dir, 'x.m3u8'))).toBe(false);
    // No temporary file is left behind by the refusals or the writes.
    expect(readdirSync(tmp.dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});
