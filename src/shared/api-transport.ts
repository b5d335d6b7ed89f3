import type { ApiErrorPayload } from './errors.ts';

/**
 * What one call answers, over Electron's IPC and over the HTTP bridge alike: the result, or the error the main
 * process reports. Both ends build and read exactly this shape; the renderer turns an error into an ApiError.
 */
export type ApiReply = { ok: true; result: unknown } | { ok: false; error: ApiErrorPayload };

/**
 * How the renderer reaches the main process: Electron's preload (`window.api`) or the HTTP bridge of
 * `genre-tagger serve`. A transport hands replies over as they are and never throws for an error the main process
 * reported; the renderer's ApiClient (lib/api-client.ts) is built on it, the same for both.
 */
export interface ApiTransport {
  invoke(method: string, input: unknown): Promise<ApiReply>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}
