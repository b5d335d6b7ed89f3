import { EventEmitter } from 'node:events';
import type { ApiEvents, EventName } from '../../shared/contract.ts';

/** Typed events from the services to whichever front end is attached (IPC, HTTP server-sent events, CLI). */
export class EventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(100);
  }

  emit<E extends EventName>(event: E, payload: ApiEvents[E]): void {
    this.emitter.emit(event, payload);
  }

  on<E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }
}
