import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/main/core/db/database.ts';
import { makeAudioFile } from '../helpers/audio-fixtures.ts';
import { runCli } from '../helpers/run-cli.ts';
import { startServe } from '../helpers/serve.ts';
import type { Served } from '../helpers/serve.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

/** The duration ffprobe reads from a stream the server sent, in seconds. */
function probeDuration(bytes: Buffer, dir: string, name: string): number {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  const out = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration:stream=codec_name', '-of', 'json', file], { encoding: 'utf8' });
  const info = JSON.parse(out) as { format: { duration: string }; streams: { codec_name: string }[] };
  expect(info.streams.map((s) => s.codec_name)).toEqual(['opus']);
  return Number(info.format.duration);
}

describe('the audio stream of `serve`: library tracks by id, with byte ranges, transcoded where the browser cannot play them', () => {
  const tmp = makeTempDir();
  const music = join(tmp.dir, 'Music');
  const outside = join(tmp.dir, 'private');
  const db = join(tmp.dir, 'lib.sqlite');
  const ids = new Map<string, number>();
  let served: Served;
  let mp3: Buffer;

  beforeAll(async () => {
    mkdirSync(outside, { recursive: true });
    makeAudioFile(join(music, 'tone.mp3'), { format: 'mp3', seconds: 5, tags: { title: 'Tone' } });
    makeAudioFile(join(music, 'voice.wma'), { format: 'wma', seconds: 4, source: 'sine=frequency=330' });
    makeAudioFile(join(music, 'album', 'piano.aiff'), { format: 'aiff', seconds: 3, source: 'sine=frequency=220' });
    makeAudioFile(join(music, 'victim.flac'), { format: 'flac', seconds: 2 });
    makeAudioFile(join(music, 'gone.ogg'), { format: 'ogg', seconds: 2 });
    writeFileSync(join(outside, 'secret.mp3'), 'not audio, and not for the browser: a private key could sit here');
    const scan = await runCli(['scan', music, '--db', db, '--no-classify', '--quiet']);
    expect(scan.code, scan.stderr).toBe(0);
    // After the scan: a library file replaced by a link that leads outside the library, and a file deleted.
    unlinkSync(join(music, 'victim.flac'));
    symlinkSync(join(outside, 'secret.mp3'), join(music, 'victim.flac'));
    rmSync(join(music, 'gone.ogg'));
    const read = openDatabase(db, { readonly: true, migrate: false });
    for (const r of read.prepare('SELECT id, filename FROM tracks').all() as { id: number; filename: string }[]) ids.set(r.filename, r.id);
    read.close();
    expect([...ids.keys()].sort()).toEqual(['gone.ogg', 'piano.aiff', 'tone.mp3', 'victim.flac', 'voice.wma']);
    mp3 = readFileSync(join(music, 'tone.mp3'));
    served = await startServe(db);
  });
  afterAll(async () => {
    await served?.stop();
    tmp.cleanup();
  });

  const audio = (name: string, init: { headers?: Record<string, string>; method?: string; token?: string | null; t?: number } = {}) => {
    const params = new URLSearchParams();
    if (init.token !== null) params.set('token', init.token ?? served.token);
    if (init.t !== undefined) params.set('t', String(init.t));
    return fetch(`${served.url}/audio/${ids.get(name) ?? name}?${params}`, { method: init.method ?? 'GET', headers: init.headers });
  };

  it('answers a range request with 206 and exactly those bytes of the file', async () => {
    const res = await audio('tone.mp3', { headers: { range: 'bytes=100-1099' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes 100-1099/${mp3.length}`);
    expect(res.headers.get('content-length')).toBe('1000');
    expect(res.headers.get('content-type')).toBe('audio/mpeg');
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await res.arrayBuffer()).equals(mp3.subarray(100, 1100))).toBe(true);
  });

  it('answers open and suffix ranges, the whole file without a range, and 416 past the end', async () => {
    const open = await audio('tone.mp3', { headers: { range: 'bytes=5000-' } });
    expect(open.status).toBe(206);
    expect(open.headers.get('content-range')).toBe(`bytes 5000-${mp3.length - 1}/${mp3.length}`);
    expect(Buffer.from(await open.arrayBuffer()).equals(mp3.subarray(5000))).toBe(true);

    const suffix = await audio('tone.mp3', { headers: { range: 'bytes=-300' } });
    expect(suffix.status).toBe(206);
    expect(Buffer.from(await suffix.arrayBuffer()).equals(mp3.subarray(mp3.length - 300))).toBe(true);

    const whole = await audio('tone.mp3');
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-length')).toBe(String(mp3.length));
    expect(Buffer.from(await whole.arrayBuffer()).equals(mp3)).toBe(true);

    const past = await audio('tone.mp3', { headers: { range: `bytes=${mp3.length}-` } });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${mp3.length}`);

    const head = await audio('tone.mp3', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(mp3.length));
  });

  it('refuses a request without the session token, or with another', async () => {
    expect((await audio('tone.mp3', { token: null })).status).toBe(401);
    expect((await audio('tone.mp3', { token: 'x'.repeat(32) })).status).toBe(401);
    // The API's Bearer header works too.
    const bearer = await fetch(`${served.url}/audio/${ids.get('tone.mp3')}`, { headers: { authorization: `Bearer ${served.token}`, range: 'bytes=0-9' } });
    expect(bearer.status).toBe(206);
  });

  it('refuses an unknown id, an address that is not an id, and a deleted file', async () => {
    expect((await audio('999999')).status).toBe(404);
    for (const path of ['abc', '0', '-1', '1.5', '..%2F..%2Fetc%2Fpasswd', encodeURIComponent(join(music, 'tone.mp3'))]) {
      const res = await fetch(`${served.url}/audio/${path}?token=${served.token}`);
      expect(res.status, path).toBe(404);
    }
    const gone = await audio('gone.ogg');
    expect(gone.status).toBe(404);
    expect(await gone.text()).toMatch(/no longer on disk/);
  });

  it('refuses a track whose file was replaced by a link leading outside the library', async () => {
    const res = await audio('victim.flac', { headers: { range: 'bytes=0-' } });
    expect(res.status).toBe(403);
    const body = await res.text();
    expect(body).toMatch(/outside the library/);
    expect(body).not.toMatch(/private key/);
  });

  it('transcodes WMA and AIFF to Ogg Opus of the same length, streamed without ranges', async () => {
    for (const [name, seconds] of [['voice.wma', 4], ['piano.aiff', 3]] as const) {
      const res = await audio(name, { headers: { range: 'bytes=0-' } });
      expect(res.status, name).toBe(200);
      expect(res.headers.get('content-type')).toBe('audio/ogg');
      expect(res.headers.get('accept-ranges')).toBe('none');
      expect(res.headers.get('content-length')).toBeNull();
      expect(probeDuration(Buffer.from(await res.arrayBuffer()), tmp.dir, `${name}.ogg`)).toBeCloseTo(seconds, 0);
    }
    const head = await audio('voice.wma', { method: 'HEAD' });
    expect([head.status, head.headers.get('content-type'), head.headers.get('accept-ranges')]).toEqual([200, 'audio/ogg', 'none']);
    // Seeking a transcoded stream asks for one that starts later.
    const later = await audio('voice.wma', { t: 2.5 });
    expect(later.status).toBe(200);
    expect(probeDuration(Buffer.from(await later.arrayBuffer()), tmp.dir, 'later.ogg')).toBeCloseTo(1.5, 0);
  });

  it('tells the player through the API what it will get, or why not', async () => {
    const call = (trackId: number) =>
      fetch(`${served.url}/api/audio.source`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${served.token}` },
        body: JSON.stringify({ trackId }),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as { ok: boolean; result?: unknown; error?: { code: string; message: string } } }));
    expect(await call(ids.get('tone.mp3')!)).toMatchObject({ status: 200, body: { result: { title: 'Tone', transcoded: false, format: 'mp3' } } });
    expect(await call(ids.get('voice.wma')!)).toMatchObject({ status: 200, body: { result: { title: 'voice.wma', transcoded: true, format: 'wma' } } });
    expect(await call(ids.get('victim.flac')!)).toMatchObject({ status: 400, body: { error: { code: 'forbidden' } } });
    expect(await call(999999)).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
  });
});
