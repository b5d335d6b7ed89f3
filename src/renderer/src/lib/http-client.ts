import type { ApiClient, ApiEvents, EventName, MethodInput, MethodName, MethodOutput } from '../../../shared/contract.ts';
import { ApiError, isApiErrorPayload } from '../../../shared/errors.ts';

const tokenKey = 'genre-tagger-token';

/** The session token: from `?token=` on first load (then removed from the address bar), else from sessionStorage. */
function takeToken(): string {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(tokenKey, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.toString());
    return fromUrl;
  }
  return sessionStorage.getItem(tokenKey) ?? '';
}

/** The session token this page holds (for addresses that cannot carry a header, such as an <audio> element's). */
export function sessionToken(): string {
  return sessionStorage.getItem(tokenKey) ?? '';
}

/** The same contract as Electron's preload, over the HTTP bridge of `genre-tagger serve`. */
export function createHttpClient(): ApiClient {
  const token = takeToken();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let source: EventSource | null = null;

  const ensureSource = (name: string): void => {
    if (!source) source = new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
    if (!listeners.has(name)) {
      listeners.set(name, new Set());
      source.addEventListener(name, (e) => {
        const payload = JSON.parse((e as MessageEvent<string>).data) as unknown;
        for (const l of listeners.get(name) ?? []) l(payload);
      });
    }
  };

  return {
    async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
      const res = await fetch(`/api/${encodeURIComponent(method)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(input ?? {}),
      });
      if (res.status === 401) throw new ApiError('forbidden', 'This page has no valid session token: open the address that `genre-tagger serve` printed.');
      const body = (await res.json()) as { ok: true; result: MethodOutput<M> } | { ok: false; error: unknown };
      if (body.ok) return body.result;
      if (isApiErrorPayload(body.error)) throw ApiError.fromPayload(body.error);
      throw new ApiError('internal', `Request failed (${res.status})`);
    },
    on<E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void {
      ensureSource(event);
      const set = listeners.get(event)!;
      const l = listener as (payload: unknown) => void;
      set.add(l);
      return () => set.delete(l);
    },
  };
}
