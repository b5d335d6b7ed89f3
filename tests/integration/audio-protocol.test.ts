import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIO_SCHEME } from '../../src/shared/api/audio.ts';
import { audioProtocolHandler } from '../../src/main/bridge/audio-protocol.ts';
import { createAppContext } from '../../src/main/services/app-context.ts';
import type { AppContext } from '../../src/main/services/app-context.ts';
import { trackAudioStreamer } from '../../src/main/services/audio.ts';
import { makeAudioFile } from '../helpers/audio-fixtures.ts';
import { processes } from '../helpers/child-processes.ts';
import { runCli } from '../helpers/run-cli.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

// Electron's genre-audio:// handler is a fetch handler without Electron in it: driven here with real Requests on a
// real library, it must answer as `serve` does.
describe('the genre-audio:// protocol handler of the desktop app', () => {
  const tmp = makeTempDir();
  const music = join(tmp.dir, 'Music');
  let ctx: AppContext;
  let handle: (r: Request) => Promise<Response>;
  const id = (name: string): number => (ctx.db.prepare('SELECT id FROM tracks WHERE filename = ?').get(name) as { id: number }).id;

  beforeAll(async () => {
    makeAudioFile(join(music, 'tone.ogg'), { format: 'ogg', seconds: 3 });
    makeAudioFile(join(music, 'tone.wma'), { format: 'wma', seconds: 120 });
    const db = join(tmp.dir, 'lib.sqlite');
    expect((await runCli(['scan', music, '--db', db, '--no-classify', '--quiet'])).code).toBe(0);
    ctx = createAppContext({ shell: 'electron', dbPath: db, dataDir: tmp.dir });
    handle = audioProtocolHandler(trackAudioStreamer(ctx));
  });
  afterAll(async () => {
    await ctx?.close();
    tmp.cleanup();
  });

  it('answers a range with 206 and the file bytes', async () => {
    const file = readFileSync(join(music, 'tone.ogg'));
    const res = await handle(new Request(`${AUDIO_SCHEME}://track/${id('tone.ogg')}`, { headers: { range: 'bytes=10-209' } }));
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes 10-209/${file.length}`);
    expect(res.headers.get('content-type')).toBe('audio/ogg');
    expect(Buffer.from(await res.arrayBuffer()).equals(file.subarray(10, 210))).toBe(true);
  });

  const ffmpegChildren = () => processes().filter((p) => p.name === 'ffmpeg' && p.ppid === process.pid && p.state !== 'Z');

  it('transcodes WMA, and a cancelled stream stops ffmpeg', async () => {
    const res = await handle(new Request(`${AUDIO_SCHEME}://track/${id('tone.wma')}`));
    expect(res.status).toBe(200);
    expect(res.headers.get('accept-ranges')).toBe('none');
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(Buffer.from(first.value!).subarray(0, 4).toString('latin1')).toBe('OggS');
    // Two minutes of Opus do not fit in a pipe: ffmpeg waits for its reader, and ends only because it is stopped.
    expect(ffmpegChildren()).toHaveLength(1);
    await reader.cancel();
    await expect.poll(() => ffmpegChildren().length, { timeout: 5000 }).toBe(0);
  });

  it('refuses other hosts, other paths and unknown tracks', async () => {
    expect((await handle(new Request(`${AUDIO_SCHEME}://elsewhere/${id('tone.ogg')}`))).status).toBe(404);
    expect((await handle(new Request(`${AUDIO_SCHEME}://track/${encodeURIComponent(join(music, 'tone.ogg'))}`))).status).toBe(404);
    expect((await handle(new Request(`${AUDIO_SCHEME}://track/424242`))).status).toBe(404);
    expect((await handle(new Request(`${AUDIO_SCHEME}://track/${id('tone.ogg')}`, { method: 'POST', body: 'x' }))).status).toBe(405);
  });
});
