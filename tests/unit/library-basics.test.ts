import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/main/core/db/database.ts';
import { migrate, schemaVersion } from '../../src/main/core/db/migrate.ts';
import { migrations } from '../../src/main/core/db/migrations/index.ts';
import { sortKey } from '../../src/main/core/db/sort-key.ts';
import { formatName } from '../../src/main/core/scan/format-name.ts';
import { splitGenres } from '../../src/main/core/scan/read-track-metadata.ts';
import { isAudioPath } from '../../src/main/core/scan/audio-extensions.ts';
import { dispatch } from '../../src/main/services/dispatch.ts';
import type { Handlers } from '../../src/main/services/handler-set.ts';
import { userDataDir } from '../../src/main/services/user-data-dir.ts';
import { ApiError } from '../../src/shared/errors.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

describe('format names from music-metadata container and codec', () => {
  it.each([
    ['MPEG', 'MPEG 1 Layer 3', 'mp3'],
    ['FLAC', 'FLAC', 'flac'],
    ['Ogg', 'Opus', 'opus'],
    ['Ogg', 'Vorbis I', 'ogg'],
    ['Ogg', 'FLAC', 'flac'],
    ['M4A/isom/iso2', 'MPEG-4/AAC', 'm4a'],
    ['M4A/isom/iso2', 'ALAC', 'alac'],
    ['WAVE', 'PCM', 'wav'],
    ['AIFF', 'PCM', 'aiff'],
    ['ASF/audio', 'Windows Media Audio V8', 'wma'],
  ])('%s + %s -> %s', (container, codec, name) => {
    expect(formatName(container, codec)).toBe(name);
  });
});

describe('genres from tags', () => {
  it('keeps several values in order, splits v2.3-style "a; b", drops blanks and duplicates', () => {
    expect(splitGenres(['Rock', 'Pop'])).toEqual(['Rock', 'Pop']);
    expect(splitGenres(['Rock; Pop;Jazz'])).toEqual(['Rock', 'Pop', 'Jazz']);
    expect(splitGenres(['Rock', ' ', 'Rock'])).toEqual(['Rock']);
    expect(splitGenres(['Drum & Bass'])).toEqual(['Drum & Bass']);
  });
});

describe('audio extensions', () => {
  it('recognises audio by extension, case-insensitively, and ignores others', () => {
    for (const p of ['a.MP3', 'b.flac', 'c.Opus', 'd.m4a', 'e.aif', 'f.wma']) expect(isAudioPath(p)).toBe(true);
    for (const p of ['cover.jpg', 'notes.txt', 'list.m3u', 'mp3']) expect(isAudioPath(p)).toBe(false);
  });
});

describe('sort keys', () => {
  it('fold case, accents and compatibility forms', () => {
    expect(sortKey('Ärger')).toBe('arger');
    expect(sortKey('ＦＵＬＬ')).toBe('full');
    expect(sortKey('Beyoncé')).toBe('beyonce');
    expect(sortKey(null)).toBeNull();
    const names = ['beta', 'Ärger', 'alpha', 'Zed'];
    expect([...names].sort((a, b) => (sortKey(a)! < sortKey(b)! ? -1 : 1))).toEqual(['alpha', 'Ärger', 'beta', 'Zed']);
  });
});

describe('per-user data folder', () => {
  it('follows each platform\'s convention and the override', () => {
    expect(userDataDir({ XDG_CONFIG_HOME: '/x' }, 'linux')).toBe('/x/genre-tagger');
    expect(userDataDir({ APPDATA: 'C:\\Users\\me\\AppData\\Roaming' }, 'win32')).toMatch(/Roaming.genre-tagger$/);
    expect(userDataDir({}, 'darwin')).toMatch(/Library\/Application Support\/genre-tagger$/);
    expect(userDataDir({ GENRE_TAGGER_HOME: '/custom' }, 'linux')).toBe('/custom');
  });
});

describe('migrations', () => {
  it('apply once, in order, and refuse a database from a newer version', () => {
    const tmp = makeTempDir();
    try {
      const path = join(tmp.dir, 'm.sqlite');
      const db = openDatabase(path);
      expect(schemaVersion(db)).toBe(Math.max(...migrations.map((m) => m.version)));
      expect(migrate(db)).toEqual([]);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)").run();
      db.close();
      expect(() => openDatabase(path)).toThrow(/newer Genre Tagger/);
    } finally {
      tmp.cleanup();
    }
  });
});

describe('dispatch at the main-process boundary', () => {
  const handlers = { 'library.track': async ({ id }: { id: number }) => ({ id }) } as unknown as Handlers;

  it('validates input against the method schema before calling the handler', async () => {
    await expect(dispatch(handlers, 'library.track', { id: 3 })).resolves.toEqual({ id: 3 });
    await expect(dispatch(handlers, 'library.track', { id: -1 })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(dispatch(handlers, 'library.track', { id: 1, sneaky: true })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(dispatch(handlers, 'library.track', null)).rejects.toBeInstanceOf(ApiError);
    await expect(dispatch(handlers, '__proto__', {})).rejects.toMatchObject({ code: 'unknown_method' });
    await expect(dispatch(handlers, 'constructor', {})).rejects.toMatchObject({ code: 'unknown_method' });
  });
});
