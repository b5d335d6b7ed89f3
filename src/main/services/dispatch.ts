import { apiMethods, isMethodName } from '../../shared/contract.ts';
import type { MethodName } from '../../shared/contract.ts';
import type { ApiReply } from '../../shared/api-transport.ts';
import { ApiError } from '../../shared/errors.ts';
import type { ApiErrorPayload } from '../../shared/errors.ts';
import type { Handlers } from './handler-set.ts';

/**
 * The main-process boundary: looks the method up, validates the raw input against its schema, calls the handler.
 * Anything that is not an ApiError becomes an 'internal' error without leaking a stack to the renderer.
 */
export async function dispatch(handlers: Handlers, method: string, rawInput: unknown): Promise<unknown> {
  if (!isMethodName(method)) throw new ApiError('unknown_method', `Unknown method: ${method}`);
  const schema = apiMethods[method].input;
  const parsed = schema.safeParse(rawInput ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`);
    throw new ApiError('invalid_input', `Invalid input for ${method}: ${issues.join('; ')}`, issues);
  }
  const handler = handlers[method] as (input: unknown) => unknown;
  return await handler(parsed.data);
}

/** One call as both transports answer it (IPC and the HTTP bridge): the result, or the error as a payload. */
export async function answerCall(handlers: Handlers, method: string, rawInput: unknown): Promise<ApiReply> {
  try {
    return { ok: true, result: (await dispatch(handlers, method, rawInput)) ?? null };
  } catch (error) {
    return { ok: false, error: toErrorPayload(error, method) };
  }
}

export function toErrorPayload(error: unknown, method?: MethodName | string): ApiErrorPayload {
  if (error instanceof ApiError) return error.toPayload();
  const message = error instanceof Error ? error.message : String(error);
  console.error(`[genre-tagger] ${method ?? 'call'} failed:`, error);
  return { code: 'internal', message };
}
