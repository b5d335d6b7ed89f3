import { timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { AUDIO_HTTP_PREFIX, parseAudioStart, parseAudioTrackId } from '../../shared/api/audio.ts';
import { eventNames } from '../../shared/events.ts';
import type { TrackAudioStreamer } from '../services/audio.ts';
import type { EventBus } from '../services/event-bus.ts';
import type { ApiReply } from '../../shared/api-transport.ts';
import { answerCall, toErrorPayload } from '../services/dispatch.ts';
import type { Handlers } from '../services/handler-set.ts';
import { contentSecurityPolicy } from './content-security-policy.ts';
import { tokenProblem } from './session-token.ts';

export interface HttpBridgeOptions {
  handlers: Handlers;
  events: EventBus;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  token: string;
  host?: string;
  port?: number;
  /**
   * A connection must have sent a complete request (headers and body) within this many ms of connecting, or of
   * the end of its previous response, or it is closed. Default 30 s.
   */
  requestTimeoutMs?: number;
  /**
   * Connections open at once (default 128). At the cap a new connection takes the place of the oldest one that is
   * waiting for its request; when every connection is busy, the new one is closed at once.
   */
  maxConnections?: number;
  /** Event streams open at once (default 16); more are answered 503. */
  maxEventStreams?: number;
  /** Streams library tracks on GET /audio/<trackId>?token=… (services/audio.ts); without it that path is 404. */
  audio?: TrackAudioStreamer;
}

export interface HttpBridge {
  server: Server;
  url: string;
  /** The address to open in a browser, with the session token. */
  openUrl: string;
  /** Connections and event streams open now. */
  load(): { connections: number; eventStreams: number };
  close(): Promise<void>;
}

interface Connection {
  socket: Socket;
  /** Closes the connection unless a complete request arrives in time. */
  timer: NodeJS.Timeout | null;
  /** A complete request is being answered. */
  busy: boolean;
  stream: boolean;
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
const pingMs = 15_000;

/**
 * Serves the real renderer and the same API contract as Electron's IPC over HTTP on the loopback interface:
 * POST /api/<method> with a JSON body, server-sent events on /api/events. Every API request must carry the
 * per-run token (Authorization: Bearer, or ?token= for EventSource) and a loopback Host header (against DNS
 * rebinding); cross-origin requests are refused.
 *
 * Any local process can connect, token or not, so connections are bounded: one that has not sent a complete
 * request in time is closed, connections and event streams are capped, and what is refused is refused before
 * any work (no body read, no listener added).
 */
export async function startHttpBridge(options: HttpBridgeOptions): Promise<HttpBridge> {
  const problem = tokenProblem(options.token);
  if (problem) throw new Error(problem);
  const host = options.host ?? '127.0.0.1';
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  const maxConnections = options.maxConnections ?? 128;
  const maxEventStreams = options.maxEventStreams ?? 16;
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

  const server = createServer(
    {
      // Node's own limits, the same as ours (its check runs every connectionsCheckingInterval).
      headersTimeout: requestTimeoutMs,
      requestTimeout: requestTimeoutMs,
      connectionsCheckingInterval: Math.min(30_000, Math.max(250, Math.floor(requestTimeoutMs / 4))),
      keepAliveTimeout: Math.min(5_000, requestTimeoutMs),
    },
    (req, res) => {
      track(req, res);
      void handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { ok: false, error: toErrorPayload(error) });
        else res.destroy();
      });
    },
  );

  const connections = new Map<Socket, Connection>();
  const awaitRequest = (c: Connection): void => {
    if (c.timer) clearTimeout(c.timer);
    c.timer = setTimeout(() => c.socket.destroy(), requestTimeoutMs);
    c.timer.unref();
  };
  const drop = (c: Connection): void => {
    if (c.timer) clearTimeout(c.timer);
    connections.delete(c.socket);
    c.socket.destroy();
  };
  server.on('connection', (socket: Socket) => {
    if (connections.size >= maxConnections) {
      // Map order is arrival order: the oldest connection still waiting for its request makes room.
      let waiting: Connection | null = null;
      for (const c of connections.values()) {
        if (!c.busy && !c.stream) {
          waiting = c;
          break;
        }
      }
      if (!waiting) {
        socket.destroy();
        return;
      }
      drop(waiting);
    }
    const c: Connection = { socket, timer: null, busy: false, stream: false };
    connections.set(socket, c);
    awaitRequest(c);
    socket.once('close', () => {
      if (c.timer) clearTimeout(c.timer);
      if (connections.get(socket) === c) connections.delete(socket);
    });
  });

  /** A request's headers are in: its body must follow in time; once answered, the next request must come in time. */
  function track(req: IncomingMessage, res: ServerResponse): void {
    const c = connections.get(req.socket);
    if (!c) return;
    c.busy = true;
    const received = (): void => {
      if (c.timer) clearTimeout(c.timer);
      c.timer = null;
    };
    if (req.complete) received();
    else req.once('end', received);
    res.once('close', () => {
      c.busy = false;
      if (!c.stream && !c.socket.destroyed) awaitRequest(c);
    });
  }

  // One listener per event for all streams (not one per stream), and one ping timer.
  const streams = new Set<ServerResponse>();
  const offs = eventNames.map((name) =>
    options.events.on(name, (payload) => {
      if (streams.size === 0) return;
      const chunk = `event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`;
      for (const res of streams) res.write(chunk);
    }),
  );
  const ping = setInterval(() => {
    for (const res of streams) res.write(': ping\n\n');
  }, pingMs);
  ping.unref();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostOk(req)) return sendText(res, 421, 'Misdirected request');
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    } catch {
      return sendText(res, 400, 'Bad request: the address cannot be read');
    }
    if (url.pathname === '/api/events') {
      if (!originOk(req) || !tokenOk(url.searchParams.get('token'))) return sendText(res, 401, 'Unauthorized');
      if (streams.size >= maxEventStreams) return sendText(res, 503, `Too many event streams (at most ${maxEventStreams}); close another tab`);
      return streamEvents(req, res);
    }
    if (url.pathname.startsWith(AUDIO_HTTP_PREFIX)) return serveAudio(req, res, url);
    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST') return sendText(res, 405, 'Use POST');
      if (!originOk(req)) return sendText(res, 403, 'Cross-origin requests are refused');
      const auth = req.headers.authorization ?? '';
      if (!tokenOk(auth.startsWith('Bearer ') ? auth.slice(7) : null)) return sendText(res, 401, 'Unauthorized');
      const method = decodePath(url.pathname.slice('/api/'.length));
      if (method === null) return sendText(res, 400, 'Bad request: malformed percent-encoding in the address');
      let input: unknown;
      try {
        input = await readJson(req);
      } catch (error) {
        return sendJson(res, 400, { ok: false, error: { code: 'invalid_input', message: (error as Error).message } });
      }
      const reply = await answerCall(options.handlers, method, input);
      if (reply.ok) return sendJson(res, 200, reply);
      const code = reply.error.code;
      return sendJson(res, code === 'internal' ? 500 : code === 'not_found' || code === 'unknown_method' ? 404 : 400, reply);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'Method not allowed');
    return serveStatic(url.pathname, res);
  }

  /**
   * A library track's audio, by id (never by path): the token comes as ?token= (an <audio> element sends no
   * Authorization header) or as a Bearer header. Range requests are answered 206 (track-audio-stream.ts).
   */
  async function serveAudio(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'Use GET');
    if (!originOk(req)) return sendText(res, 403, 'Cross-origin requests are refused');
    const auth = req.headers.authorization ?? '';
    if (!tokenOk(url.searchParams.get('token') ?? (auth.startsWith('Bearer ') ? auth.slice(7) : null))) return sendText(res, 401, 'Unauthorized');
    const trackId = parseAudioTrackId(url.pathname.slice(AUDIO_HTTP_PREFIX.length - 1));
    if (trackId === null || !options.audio) return sendText(res, 404, 'Not found: the address names no track');
    const answer = await options.audio({
      trackId,
      method: req.method,
      range: req.headers.range ?? null,
      startS: parseAudioStart(url.searchParams.get('t')),
    });
    res.writeHead(answer.status, { ...answer.headers, 'referrer-policy': 'no-referrer' });
    const body = answer.body;
    if (body === null || req.method === 'HEAD') {
      if (body !== null && typeof body !== 'string') body.destroy();
      res.end();
    } else if (typeof body === 'string') res.end(body);
    else {
      // The listener went away (a seek, another track): stop reading the file, or stop ffmpeg.
      res.once('close', () => body.destroy());
      body.once('error', () => res.destroy());
      body.pipe(res);
    }
  }

  function streamEvents(req: IncomingMessage, res: ServerResponse): void {
    const c = connections.get(req.socket);
    if (c) c.stream = true;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(': connected\n\n');
    streams.add(res);
    req.on('close', () => streams.delete(res));
  }

  function serveStatic(pathname: string, res: ServerResponse): void {
    const root = normalize(options.rendererDir);
    const decoded = decodePath(pathname);
    if (decoded === null) return sendText(res, 400, 'Bad request: malformed percent-encoding in the address');
    const rel = pathname === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
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
    load: () => ({ connections: connections.size, eventStreams: streams.size }),
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(ping);
        for (const off of offs) off();
        server.close(() => resolve());
        server.closeAllConnections();
        // Connections that never sent a request are not Node's to close.
        for (const c of [...connections.values()]) drop(c);
      }),
  };
}

/** decodeURIComponent, or null for malformed percent-encoding (answered 400, not 500). */
function decodePath(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

function sendJson(res: ServerResponse, status: number, body: ApiReply): void {
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
