import type { ApiReply, ApiTransport } from '../../../shared/api-transport.ts';
import { isApiErrorPayload } from '../../../shared/errors.ts';

export interface HttpTransportOptions {
  /** The per-run token `genre-tagger serve` printed. */
  token: string;
  /** Where the bridge is; '' (the default) is the page's own origin. */
  baseUrl?: string;
}

export const noTokenMessage = 'This page has no valid session token: open the address that `genre-tagger serve` printed.';

/**
 * The transport over the HTTP bridge of `genre-tagger serve`: POST /api/<method> with the token, server-sent events
 * on /api/events. Whatever the bridge answers becomes an ApiReply, so a refused token or an answer that is not the
 * contract's reaches the UI as the same ApiError as any other.
 */
export function createHttpTransport(options: HttpTransportOptions): ApiTransport {
  const { token } = options;
  const baseUrl = options.baseUrl ?? '';
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let source: EventSource | null = null;

  const ensureSource = (name: string): Set<(payload: unknown) => void> => {
    source ??= new EventSource(`${baseUrl}/api/events?token=${encodeURIComponent(token)}`);
    let set = listeners.get(name);
    if (!set) {
      const created = new Set<(payload: unknown) => void>();
      listeners.set(name, created);
      source.addEventListener(name, (e) => {
        const payload = JSON.parse((e as MessageEvent).data as string) as unknown;
        for (const l of created) l(payload);
      });
      set = created;
    }
    return set;
  };

  return {
    async invoke(method: string, input: unknown): Promise<ApiReply> {
      const res = await fetch(`${baseUrl}/api/${encodeURIComponent(method)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(input ?? {}),
      });
      if (res.status === 401) return { ok: false, error: { code: 'forbidden', message: noTokenMessage } };
      const text = await res.text();
      return replyFromBody(text, res.status);
    },
    on(event: string, listener: (payload: unknown) => void): () => void {
      const set = ensureSource(event);
      set.add(listener);
      return () => set.delete(listener);
    },
  };
}

/** The bridge's JSON answer; anything else (a plain-text refusal, a malformed body) as an error reply. */
function replyFromBody(text: string, status: number): ApiReply {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    const said = text.trim();
    return { ok: false, error: { code: 'internal', message: `Request failed (${status})${said ? `: ${said}` : ''}` } };
  }
  if (typeof body === 'object' && body !== null && 'ok' in body) {
    if (body.ok === true) return { ok: true, result: (body as { result?: unknown }).result };
    if ('error' in body && isApiErrorPayload(body.error)) return { ok: false, error: body.error };
  }
  return { ok: false, error: { code: 'internal', message: `Request failed (${status})` } };
}
