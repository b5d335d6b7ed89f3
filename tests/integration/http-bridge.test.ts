import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpBridge } from '../../src/main/bridge/http-bridge.ts';
import type { HttpBridge } from '../../src/main/bridge/http-bridge.ts';
import { createAppContext } from '../../src/main/services/app-context.ts';
import type { AppContext } from '../../src/main/services/app-context.ts';
import { createHandlers } from '../../src/main/services/handlers.ts';
import { makeAudioFile } from '../helpers/audio-fixtures.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

function raw(url: string, options: { method?: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('HTTP bridge', () => {
  const tmp = makeTempDir();
  const token = 'Secret-token-for-the-bridge-test-0123456789';
  let ctx: AppContext;
  let bridge: HttpBridge;
  const call = (method: string, input: unknown, headers: Record<string, string> = {}) =>
    fetch(`${bridge.url}/api/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
      body: JSON.stringify(input),
    });

  beforeAll(async () => {
    const rendererDir = join(tmp.dir, 'renderer');
    mkdirSync(rendererDir);
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>app</title>');
    writeFileSync(join(tmp.dir, 'secret.txt'), 'not for the browser');
    ctx = createAppContext({ shell: 'http', dbPath: join(tmp.dir, 'lib.sqlite'), dataDir: tmp.dir });
    bridge = await startHttpBridge({ handlers: createHandlers(ctx), events: ctx.events, rendererDir, token });
  });
  afterAll(async () => {
    await bridge?.close();
    await ctx?.close();
    tmp.cleanup();
  });

  it('answers calls that carry the token', async () => {
    const res = await call('app.info', {});
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ok: boolean; result: { shell: string; canPickFolder: boolean } };
    expect(body).toMatchObject({ ok: true, result: { shell: 'http', canPickFolder: false } });
  });

  it('refuses calls without the right token, from other origins, or for another host', async () => {
    expect((await call('app.info', {}, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await fetch(`${bridge.url}/api/app.info`, { method: 'POST', body: '{}' })).status).toBe(401);
    expect((await call('app.info', {}, { origin: 'http://evil.example' })).status).toBe(403);
    const rebinding = await raw(`${bridge.url}/api/app.info`, {
      method: 'POST',
      headers: { host: 'evil.example:80', authorization: `Bearer ${token}` },
      body: '{}',
    });
    expect(rebinding.status).toBe(421);
    expect((await fetch(`${bridge.url}/api/events`)).status).toBe(401);
  });

  it('validates input at the boundary and reports readable errors', async () => {
    const bad = await call('library.query', { limit: 'lots' });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { ok: false; error: { code: string; message: string } };
    expect(body.error.code).toBe('invalid_input');
    expect(body.error.message).toMatch(/limit/);
    expect((await call('library.query', { extra: 1 })).status).toBe(400);
    expect((await call('no.such.method', {})).status).toBe(404);
    const missing = await call('library.addRoot', { path: join(tmp.dir, 'does-not-exist') });
    expect(((await missing.json()) as { error: { message: string } }).error.message).toMatch(/Folder not found/);
    const notJson = await fetch(`${bridge.url}/api/app.info`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '{oops' });
    expect(notJson.status).toBe(400);
  });

  it('serves the renderer with a strict CSP and nothing outside it', async () => {
    const page = await fetch(`${bridge.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'; script-src 'self'/);
    const traversal = await raw(`${bridge.url}/..%2fsecret.txt`, {});
    expect(traversal.body).not.toContain('not for the browser');
    expect([403, 404]).toContain(traversal.status);
  });

  it('streams job progress as server-sent events', async () => {
    const music = join(tmp.dir, 'Music');
    makeAudioFile(join(music, 'a.mp3'), { format: 'mp3', seconds: 1 });
    const events: string[] = [];
    const controller = new AbortController();
    const stream = await fetch(`${bridge.url}/api/events?token=${token}`, { signal: controller.signal });
    expect(stream.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = stream.body!.getReader();
    const decoder = new TextDecoder();
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        events.push(decoder.decode(value));
        if (events.join('').includes('"status":"done"')) break;
      }
    })().catch(() => {});
    const root = (await (await call('library.addRoot', { path: music })).json()) as { result: { id: number } };
    const started = (await (await call('library.scan', { rootIds: [root.result.id] })).json()) as { result: { jobId: string } };
    await Promise.race([reading, new Promise((r) => setTimeout(r, 20_000))]);
    controller.abort();
    const text = events.join('');
    expect(text).toContain('event: job.progress');
    expect(text).toContain(started.result.jobId);
    expect(text).toContain('"status":"done"');
    expect(text).toContain('event: library.changed');
  });
});
