import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpBridge } from '../../src/main/bridge/http-bridge.ts';
import type { HttpBridge } from '../../src/main/bridge/http-bridge.ts';
import { createAppContext } from '../../src/main/services/app-context.ts';
import type { AppContext } from '../../src/main/services/app-context.ts';
import { answerCall } from '../../src/main/services/dispatch.ts';
import { createHandlers } from '../../src/main/services/handlers.ts';
import { createApiClient } from '../../src/renderer/src/lib/api-client.ts';
import { createHttpTransport, noTokenMessage } from '../../src/renderer/src/lib/http-transport.ts';
import type { ApiClient } from '../../src/shared/contract.ts';
import type { ApiTransport } from '../../src/shared/api-transport.ts';
import { ApiError } from '../../src/shared/errors.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

/** What a rejected call carried, or a note that it did not reject with an ApiError. */
async function failure(call: Promise<unknown>): Promise<{ code: string; message: string; details: unknown }> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof ApiError)) throw new Error(`Rejected with ${String(error)}, not an ApiError`, { cause: error });
    return { code: error.code, message: error.message, details: error.details };
  }
  throw new Error('The call succeeded');
}

/**
 * The renderer's client over both transports: the HTTP bridge as the browser reaches it, and the IPC reply as the
 * preload hands it over (what ipc.ts answers, after Electron's structured clone). A failure is the same ApiError
 * with the same code, message and details either way.
 */
describe('one error type over IPC and HTTP', () => {
  const tmp = makeTempDir();
  const token = 'Secret-token-for-the-client-test-0123456789';
  let ctx: AppContext;
  let bridge: HttpBridge;
  let overHttp: ApiClient;
  let overIpc: ApiClient;

  beforeAll(async () => {
    const rendererDir = join(tmp.dir, 'renderer');
    mkdirSync(rendererDir);
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>app</title>');
    ctx = createAppContext({ shell: 'http', dbPath: join(tmp.dir, 'lib.sqlite'), dataDir: tmp.dir });
    const handlers = createHandlers(ctx);
    bridge = await startHttpBridge({ handlers, events: ctx.events, rendererDir, token });
    overHttp = createApiClient(createHttpTransport({ token, baseUrl: bridge.url }));
    const ipc: ApiTransport = {
      invoke: async (method, input) => structuredClone(await answerCall(handlers, method, structuredClone(input))),
      on: () => () => {},
    };
    overIpc = createApiClient(ipc);
  });
  afterAll(async () => {
    await bridge?.close();
    await ctx?.close();
    tmp.cleanup();
  });

  it('answers a call with its result over both', async () => {
    expect(await overHttp.call('library.roots', {})).toEqual([]);
    expect(await overIpc.call('library.roots', {})).toEqual([]);
  });

  it('rejects with the same ApiError for what the services refuse', async () => {
    const missing = { path: join(tmp.dir, 'does-not-exist') };
    const http = await failure(overHttp.call('library.addRoot', missing));
    expect(http.message).toMatch(/Folder not found/);
    expect(await failure(overIpc.call('library.addRoot', missing))).toEqual(http);

    const track = await failure(overHttp.call('library.track', { id: 424242 }));
    expect(track).toEqual({ code: 'not_found', message: 'No track with id 424242', details: undefined });
    expect(await failure(overIpc.call('library.track', { id: 424242 }))).toEqual(track);
  });

  it('rejects with the same ApiError, details included, for input the boundary refuses', async () => {
    const bad = { limit: 'lots' } as unknown as { limit: number };
    const http = await failure(overHttp.call('library.query', bad));
    expect(http.code).toBe('invalid_input');
    expect(http.message).toMatch(/^Invalid input for library\.query: limit/);
    expect(http.details).toEqual([expect.stringMatching(/^limit: /)]);
    expect(await failure(overIpc.call('library.query', bad))).toEqual(http);
  });

  it('over HTTP, a refused token is an ApiError too, with the message the page shows', async () => {
    const stranger = createApiClient(createHttpTransport({ token: 'wrong', baseUrl: bridge.url }));
    expect(await failure(stranger.call('app.info', {}))).toEqual({ code: 'forbidden', message: noTokenMessage, details: undefined });
  });

  it('a bridge that cannot be reached is an ApiError "unavailable" with the transport\'s message', async () => {
    const gone = createApiClient(createHttpTransport({ token, baseUrl: 'http://127.0.0.1:1' }));
    const f = await failure(gone.call('app.info', {}));
    expect(f.code).toBe('unavailable');
    expect(f.message).toBe('fetch failed');
  });
});
