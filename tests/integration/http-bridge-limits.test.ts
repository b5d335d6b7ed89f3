import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startHttpBridge } from '../../src/main/bridge/http-bridge.ts';
import type { HttpBridge, HttpBridgeOptions } from '../../src/main/bridge/http-bridge.ts';
import { createAppContext } from '../../src/main/services/app-context.ts';
import type { AppContext } from '../../src/main/services/app-context.ts';
import { createHandlers } from '../../src/main/services/handlers.ts';
import { runCli } from '../helpers/run-cli.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

/**
 * `serve` against local processes that do not play by the rules, without the token: connections that never
 * send a request are closed in time, a capped server still answers a legitimate call, event streams are capped
 * without piling up listeners, and malformed addresses are a 400. Loopback only (127.0.0.1), a bounded number
 * of sockets, short timeouts configured for the test (the default stays 30 s).
 */

const token = randomBytes(24).toString('base64url');
const tmp = makeTempDir('gt-bridge-limits-');
let ctx: AppContext;
let rendererDir: string;
const bridges: HttpBridge[] = [];
const sockets: Socket[] = [];

beforeAll(() => {
  rendererDir = join(tmp.dir, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>app</title>');
  ctx = createAppContext({ shell: 'http', dbPath: join(tmp.dir, 'lib.sqlite'), dataDir: tmp.dir });
});
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const b of bridges.splice(0)) await b.close();
});
afterAll(async () => {
  await ctx?.close();
  tmp.cleanup();
});

async function start(options: Partial<HttpBridgeOptions> = {}): Promise<HttpBridge> {
  const bridge = await startHttpBridge({ handlers: createHandlers(ctx), events: ctx.events, rendererDir, token, ...options });
  bridges.push(bridge);
  expect(bridge.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  return bridge;
}

function portOf(bridge: HttpBridge): number {
  return Number(new URL(bridge.url).port);
}

/** A raw TCP connection to the bridge on 127.0.0.1; resolves once connected, `closed` when the server closes it. */
function open(bridge: HttpBridge): Promise<{ socket: Socket; closedAt: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: portOf(bridge) });
    sockets.push(socket);
    const closedAt = new Promise<number>((done) => socket.once('close', () => done(performance.now())));
    socket.on('error', () => {});
    socket.once('connect', () => resolve({ socket, closedAt }));
    socket.once('error', reject);
  });
}

const call = (bridge: HttpBridge, method: string) =>
  fetch(`${bridge.url}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: '{}',
    signal: AbortSignal.timeout(5_000),
  });

describe('serve under load from local processes', () => {
  it('closes connections that send no complete request in time (silent ones and slow headers alike)', async () => {
    const bridge = await start({ requestTimeoutMs: 1_000 });
    const started = performance.now();
    const silent = await Promise.all(Array.from({ length: 10 }, () => open(bridge)));
    const slow = await Promise.all(Array.from({ length: 10 }, () => open(bridge)));
    // Slow headers: a byte every 200 ms keeps the socket busy but never completes the request.
    const drip = setInterval(() => {
      for (const s of slow) if (!s.socket.destroyed) s.socket.write('X');
    }, 200);
    for (const s of slow) s.socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${portOf(bridge)}\r\nX-Slow: `);
    try {
      const closed = await Promise.race([
        Promise.all([...silent, ...slow].map((s) => s.closedAt)),
        new Promise<null>((r) => setTimeout(() => r(null), 5_000)),
      ]);
      expect(closed, 'connections still open 5 s after a 1 s request timeout').not.toBeNull();
      for (const at of closed!) expect(at - started).toBeGreaterThan(900);
      expect(Math.max(...closed!) - started).toBeLessThan(3_000);
    } finally {
      clearInterval(drip);
    }
    // The server's side of each socket closes in the same event loop, a moment later.
    await vi.waitFor(() => expect(bridge.load().connections).toBe(0), { timeout: 1_000, interval: 20 });
    // The server still answers.
    expect((await call(bridge, 'app.info')).status).toBe(200);
  });

  it('keeps 30 s as the default request timeout', async () => {
    const bridge = await start();
    expect([bridge.server.headersTimeout, bridge.server.requestTimeout]).toEqual([30_000, 30_000]);
  });

  it('answers a legitimate call while idle connections hold the connection cap', async () => {
    const bridge = await start({ maxConnections: 20, requestTimeoutMs: 20_000 });
    const idle = [];
    for (let i = 0; i < 40; i++) idle.push(await open(bridge));
    // Give the server a moment to see the last ones; the count never goes over the cap.
    await new Promise((r) => setTimeout(r, 100));
    expect(bridge.load().connections).toBeLessThanOrEqual(20);
    const t0 = performance.now();
    const res = await call(bridge, 'app.info');
    expect(res.status).toBe(200);
    expect(((await res.json()) as { ok: boolean }).ok).toBe(true);
    expect(performance.now() - t0).toBeLessThan(2_000);
    expect(bridge.load().connections).toBeLessThanOrEqual(20);
    // The oldest idle connections made room and were closed by the server.
    expect(idle.filter((s) => s.socket.destroyed || s.socket.readableEnded).length).toBeGreaterThanOrEqual(20);
  });

  it('caps event streams (503 beyond) with one listener per event, whatever the number of streams', async () => {
    const bridge = await start({ maxEventStreams: 3 });
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(w.name);
    process.on('warning', onWarning);
    const controller = new AbortController();
    try {
      const streams = [];
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`${bridge.url}/api/events?token=${token}`, { signal: controller.signal });
        expect(res.status).toBe(200);
        streams.push(res.body!.getReader());
      }
      expect((await fetch(`${bridge.url}/api/events?token=${token}`, { signal: AbortSignal.timeout(5_000) })).status).toBe(503);
      expect(bridge.load().eventStreams).toBe(3);
      ctx.events.emit('library.changed', { reason: 'tags' });
      const decoder = new TextDecoder();
      for (const reader of streams) {
        let text = '';
        while (!text.includes('event: library.changed')) text += decoder.decode((await reader.read()).value);
      }
      await new Promise((r) => setTimeout(r, 50));
      expect(warnings).toEqual([]);
    } finally {
      controller.abort();
      process.off('warning', onWarning);
    }
  });

  it('answers malformed percent-encoding with 400, without logging an error', async () => {
    const bridge = await start();
    const logged = vi.spyOn(console, 'error');
    try {
      expect((await fetch(`${bridge.url}/%E0%A4%A`)).status).toBe(400);
      const api = await fetch(`${bridge.url}/api/%ZZ`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '{}' });
      expect(api.status).toBe(400);
      expect(await api.text()).toMatch(/malformed percent-encoding/);
      expect(logged).not.toHaveBeenCalled();
    } finally {
      logged.mockRestore();
    }
  });

  it('refuses a guessable token', async () => {
    await expect(startHttpBridge({ handlers: createHandlers(ctx), events: ctx.events, rendererDir, token: 'a' })).rejects.toThrow(/too easy to guess/);
    const r = await runCli(['serve', '--db', join(tmp.dir, 'cli.sqlite'), '--token', 'a']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^--token: The token is too easy to guess \(about 4 bits; at least 128/);
    const env = await runCli(['serve', '--db', join(tmp.dir, 'cli.sqlite')], { env: { GENRE_TAGGER_TOKEN: 'password1234' } });
    expect(env.code).toBe(2);
    expect(env.stderr).toMatch(/^GENRE_TAGGER_TOKEN: The token is too easy to guess/);
    const file = join(tmp.dir, 'token.txt');
    writeFileSync(file, 'hunter2\n', { mode: 0o600 });
    const fromFile = await runCli(['serve', '--db', join(tmp.dir, 'cli.sqlite'), '--token-file', file]);
    expect(fromFile.code).toBe(2);
    expect(fromFile.stderr).toContain(`the token in ${file}: The token is too easy to guess`);
  });
});
