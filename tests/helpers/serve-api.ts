import type { MethodInput, MethodName, MethodOutput } from '../../src/shared/contract.ts';
import type { Served } from './serve.ts';

/** Calls a method of a running `serve` over HTTP with its token, as the browser client does; throws its error. */
export async function callServe<M extends MethodName>(served: Served, method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const res = await fetch(`${served.url}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${served.token}` },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as { ok: true; result: MethodOutput<M> } | { ok: false; error: { message: string } };
  if (!body.ok) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}
