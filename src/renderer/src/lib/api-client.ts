import type { ApiReply, ApiTransport } from '../../../shared/api-transport.ts';
import type { ApiClient, ApiEvents, EventName, MethodInput, MethodName, MethodOutput } from '../../../shared/contract.ts';
import { ApiError } from '../../../shared/errors.ts';

/**
 * The typed client the UI calls, over either transport. Every failure rejects with an ApiError carrying the code
 * and message the main process gave; a transport that could not deliver the call at all (the bridge is gone, the
 * IPC channel closed) rejects with code 'unavailable' and the transport's own message.
 */
export function createApiClient(transport: ApiTransport): ApiClient {
  return {
    async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
      let reply: ApiReply;
      try {
        reply = await transport.invoke(method, input);
      } catch (error) {
        throw new ApiError('unavailable', error instanceof Error ? error.message : String(error));
      }
      // The output type is carried only at the type level (shared/method.ts): the main process answered this method.
      if (reply.ok) return reply.result as MethodOutput<M>;
      throw ApiError.fromPayload(reply.error);
    },
    on<E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void {
      return transport.on(event, listener as (payload: unknown) => void);
    },
  };
}
