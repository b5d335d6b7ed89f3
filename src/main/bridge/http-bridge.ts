import { timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { eventNames } from '../../shared/events.ts';
import type { EventBus } from '../services/event-bus.ts';
import { dispatch, toErrorPayload } from '../services/dispatch.ts';
import type { Handlers } from '../services/handler-set.ts';
import { contentSecurityPolicy } from './content-security-policy.ts';

export interface HttpBridgeOptions {
  handlers: Handlers;
  events: EventBus;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  token: string;
  host?: string;
  port?: number;
}

export interface HttpBridge {
  server: Server;
  url: string;
  /** The address to open in a browser, with the session token. */
  openUrl: string;
  close(): Promise<void>;
}

const mime: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

const maxBodyBytes = 1024 * 1024;

/**
 * Serves the real renderer and the same API contract as Electron's IPC over HTTP on the loopback interface:
 * POST /api/<method> with a JSON body, server-sent events on /api/events. Every API request must carry the
 * per-run token (Authorization: Bearer, or ?token= for EventSource) and a loopback Host header (against DNS
 * rebinding); cross-origin requests are refused.
 */
export async function startHttpBridge(options: HttpBridgeOptions): Promise<HttpBridge> {
  const host = options.host ?? '127.0.0.1';
  const expected = Buffer.from(options.token);
  const tokenOk = (given: string | null): boolean => {
    if (!given) return false;
    const b = Buffer.from(given);
    return b.length === expected.length && timingSafeEqual(b, expected);
  };
  let port = 0;
  const hostOk = (req: IncomingMessage): boolean => {
    const h = req.headers.host ?? '';
    return h === `${host}:${port}` || h === `localhost:${port}` || h === `[::1]:${port}`;
  };
  const originOk = (req: IncomingMessage): boolean => {
    const origin = req.headers.origin;
    return origin === undefined || origin === `http://${req.headers.host}`;
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: toErrorPayload(error) });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostOk(req)) return sendText(res, 421, 'Misdirected request');
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    if (url.pathname === '/api/events') {
      if (!originOk(req) || !tokenOk(url.searchParams.get('token'))) return sendText(res, 401, 'Unauthorized');
      return streamEvents(req, res);
    }
    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST') return sendText(res, 405, 'Use POST');
      if (!originOk(req)) return sendText(res, 403, 'Cross-origin requests are refused');
      const auth = req.headers.authorization ?? '';
      if (!tokenOk(auth.startsWith('Bearer ') ? auth.slice(7) : null)) return sendText(res, 401, 'Unauthorized');
      const method = decodeURIComponent(url.pathname.slice('/api/'.length));
      let input: unknown;
      try {
        input = await readJson(req);
      } catch (error) {
        return sendJson(res, 400, { ok: false, error: { code: 'invalid_input', message: (error as Error).message } });
      }
      try {
        const result = await dispatch(options.handlers, method, input);
        return sendJson(res, 200, { ok: true, result: result ?? null });
      } catch (error) {
        const payload = toErrorPayload(error, method);
        const status = payload.code === 'internal' ? 500 : payload.code === 'not_found' || payload.code === 'unknown_method' ? 404 : 400;
        return sendJson(res, status, { ok: false, error: payload });
      }
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'Method not allowed');
    return serveStatic(url.pathname, res);
  }

  function streamEvents(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(': connected\n\n');
    const offs = eventNames.map((name) =>
      options.events.on(name, (payload) => res.write(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`)),
    );
    const ping = setInterval(() => res.write(': ping\n\n'), 15000);
    req.on('close', () => {
      clearInterval(ping);
      for (const off of offs) off();
    });
  }

  function serveStatic(pathname: string, res: ServerResponse): void {
    const root = normalize(options.rendererDir);
    const rel = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
    let file = normalize(join(root, rel));
    if (!file.startsWith(root + sep)) return sendText(res, 403, 'Forbidden');
    if (!existsSync(file) || !statSync(file).isFile()) {
      // Client-side routes fall back to the app shell.
      if (extname(rel) !== '') return sendText(res, 404, 'Not found');
      file = join(root, 'index.html');
    }
    const headers: Record<string, string> = {
      'content-type': mime[extname(file)] ?? 'application/octet-stream',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': file.endsWith('index.html') ? 'no-store' : 'public, max-age=3600',
    };
    if (file.endsWith('.html')) {
      headers['content-security-policy'] = contentSecurityPolicy();
      headers['x-frame-options'] = 'DENY';
    }
    res.writeHead(200, headers);
    createReadStream(file).pipe(res);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://${host}:${port}`;
  return {
    server,
    url,
    openUrl: `${url}/?token=${encodeURIComponent(options.token)}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const data = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(data);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) throw new Error('Request body too large');
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new Error('Request body is not valid JSON');
  }
}
