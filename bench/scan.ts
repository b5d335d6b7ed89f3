// npm run bench:scan — scanner and library-query throughput, printed (not asserted).
//  1. cold metadata scan of 10,000 generated files (page cache warm: the files were just written)
//  2. unchanged rescan of the same files
//  3. library page queries on a 100,000-track database: sorted by artist, filtered by text
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../src/main/core/db/database.ts';
import { TrackQueryCache } from '../src/main/core/db/track-query.ts';
import { scanRoots } from '../src/main/core/scan/scanner.ts';

const files = Number(process.env.BENCH_FILES ?? 10_000);
const tracks = Number(process.env.BENCH_TRACKS ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), 'genre-tagger-bench-scan-'));

function ffmpeg(out: string, codec: string[], i: number): void {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `sine=frequency=${200 + i * 37}:duration=3`,
    '-ar', '44100', '-ac', '2', '-metadata', `title=Template ${i}`, '-metadata', `artist=Artist ${i % 7}`,
    '-metadata', `album=Album ${i % 3}`, '-metadata', 'genre=Rock;Pop', ...codec, out]);
}

try {
  // 40 distinct templates in the mix of a typical library, copied to 10,000 files in 100 folders.
  const kinds: [string, string[], number][] = [
    ['mp3', ['-c:a', 'libmp3lame', '-b:a', '192k', '-id3v2_version', '3', '-f', 'mp3'], 0.6],
    ['flac', ['-c:a', 'flac', '-f', 'flac'], 0.2],
    ['m4a', ['-c:a', 'aac', '-b:a', '192k', '-f', 'ipod'], 0.1],
    ['ogg', ['-c:a', 'libvorbis', '-f', 'ogg'], 0.1],
  ];
  const templates: string[] = [];
  const tdir = join(dir, 'templates');
  mkdirSync(tdir);
  for (const [ext, codec, share] of kinds) {
    for (let i = 0; i < Math.round(40 * share); i++) {
      const p = join(tdir, `${ext}-${i}.${ext}`);
      ffmpeg(p, codec, templates.length);
      templates.push(p);
    }
  }
  const lib = join(dir, 'library');
  for (let i = 0; i < files; i++) {
    const folder = join(lib, `Artist ${String(i % 100).padStart(3, '0')}`, `Album ${i % 5}`);
    if (i < 500) mkdirSync(folder, { recursive: true });
    const t = templates[i % templates.length];
    copyFileSync(t, join(folder, `${String(i).padStart(5, '0')} track.${t.split('.').pop()}`));
  }

  const db = openDatabase(join(dir, 'scan.sqlite'));
  const rootId = Number(db.prepare('INSERT INTO roots (path, added_at) VALUES (?, ?)').run(lib, Date.now()).lastInsertRowid);
  const roots = [{ id: rootId, path: lib }];
  let t = performance.now();
  const cold = await scanRoots(db, roots);
  const coldS = (performance.now() - t) / 1000;
  t = performance.now();
  const warm = await scanRoots(db, roots);
  const warmS = (performance.now() - t) / 1000;
  db.close();
  console.log(`Scan of ${files} files (${templates.length} templates: 60% MP3, 20% FLAC, 10% M4A, 10% Ogg; page cache warm)`);
  console.log(`  cold metadata scan : ${coldS.toFixed(2)} s  ${Math.round(cold.added / coldS)} files/s   (goal >= 1,000)  added=${cold.added} failed=${cold.failed}`);
  console.log(`  unchanged rescan   : ${warmS.toFixed(3)} s  ${Math.round(warm.unchanged / warmS)} files/s  (goal >= 20,000) unchanged=${warm.unchanged}`);
  console.log(`  ratio cold/rescan  : ${(coldS / warmS).toFixed(1)}x`);

  // 100k-track database for the library view's queries.
  const big = openDatabase(join(dir, 'big.sqlite'));
  const words = ['love', 'night', 'dream', 'fire', 'heart', 'rain', 'blue', 'gold', 'summer', 'road', 'shadow', 'light', 'river', 'stone', 'wild', 'ghost'];
  let seed = 42;
  const rnd = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  const bigRoot = Number(big.prepare("INSERT INTO roots (path, added_at) VALUES ('/music', 1)").run().lastInsertRowid);
  const insert = big.prepare(`INSERT INTO tracks (root_id, path, dir, filename, size, mtime_ms, status, format, duration_s,
    title, artist, album, genre, genres_json, track_no, added_at, updated_at)
    VALUES (?, ?, ?, ?, 5000000, 1, 'ok', 'mp3', ?, ?, ?, ?, ?, '[]', ?, 1, 1)`);
  t = performance.now();
  big.transaction(() => {
    for (let i = 0; i < tracks; i++) {
      const artist = `${words[rnd(16)]} ${words[rnd(16)]} ${rnd(4000)}`;
      const album = `${words[rnd(16)]} ${rnd(300)}`;
      const d = `/music/${artist}/${album}`;
      insert.run(bigRoot, `${d}/${i}.mp3`, d, `${i}.mp3`, 120 + rnd(300), `${words[rnd(16)]} ${words[rnd(16)]} ${i}`,
        rnd(50) === 0 ? null : artist, album, ['Rock', 'Pop', 'Jazz', 'Blues', 'Hip Hop'][rnd(5)], rnd(14));
    }
  })();
  big.exec('ANALYZE');
  const insertS = (performance.now() - t) / 1000;
  const q = new TrackQueryCache(big);
  const time = (f: () => unknown, n = 1): number => {
    const s = performance.now();
    for (let i = 0; i < n; i++) f();
    return (performance.now() - s) / n;
  };
  console.log(`\nLibrary page queries on ${tracks} tracks (100 rows a page; built in ${insertS.toFixed(1)} s)`);
  const report = (label: string, search: string | undefined): void => {
    const firstPage = time(() => q.page({ sort: 'artist', search, limit: 100 }));
    const { total } = q.page({ sort: 'artist', search, limit: 1 });
    const pages = Math.max(1, Math.floor(total / 100));
    let k = 0;
    const scroll = time(() => q.page({ sort: 'artist', search, offset: ((k++ * 7919) % pages) * 100, limit: 100 }), 200);
    console.log(`  ${label.padEnd(34)} matches ${String(total).padStart(6)}  first page ${firstPage.toFixed(2).padStart(6)} ms   next pages ${scroll.toFixed(3)} ms`);
  };
  big.prepare("UPDATE tracks SET title = title WHERE id = 1").run(); // cold caches
  report('sorted by artist, no filter (cold)', undefined);
  for (const s of ['love', 'night fire', 'ghost 12', 'gold 3999', 'lo', 'zzzz']) report(`sorted by artist, search "${s}"`, s);
  const typing = ['r', 'ri', 'riv', 'rive', 'river', 'river ', 'river s', 'river st', 'river sto'];
  const perKey = typing.map((s) => time(() => q.page({ sort: 'artist', search: s, limit: 100 })));
  console.log(`  typing "river sto", one query per key: ${perKey.map((x) => x.toFixed(1)).join(', ')} ms (worst ${Math.max(...perKey).toFixed(1)} ms; goal < 16 ms)`);
  big.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
