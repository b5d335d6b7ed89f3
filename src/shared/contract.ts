import type { z } from 'zod';
import type { Method } from './method.ts';
import type { ApiEvents, EventName } from './events.ts';
import { appApi } from './api/app.ts';
import { audioApi } from './api/audio.ts';
import { jobsApi } from './api/jobs.ts';
import { labelsApi } from './api/labels.ts';
import { libraryApi } from './api/library.ts';
import { tagsApi } from './api/tags.ts';
import { predictionsApi } from './api/predictions.ts';
import { personalApi } from './api/personal.ts';
import { playlistsApi } from './api/playlists.ts';

/**
 * The one contract between the renderer and the main process. Electron's preload, the IPC handlers and the HTTP
 * bridge all speak exactly this: a method name, an input validated by its schema in main, a typed output.
 */
export const apiMethods = {
  ...appApi,
  ...jobsApi,
  ...libraryApi,
  ...tagsApi,
  ...labelsApi,
  ...predictionsApi,
  ...personalApi,
  ...playlistsApi,
  ...audioApi,
};

export type ApiMethods = typeof apiMethods;
export type MethodName = keyof ApiMethods;
export type MethodInput<M extends MethodName> = z.input<ApiMethods[M]['input']>;
export type ParsedInput<M extends MethodName> = z.output<ApiMethods[M]['input']>;
export type MethodOutput<M extends MethodName> = ApiMethods[M] extends Method<z.ZodType, infer O> ? O : never;

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(apiMethods, name);
}

/** What the renderer calls (lib/api.ts), over Electron's preload or the HTTP bridge; every failure is an ApiError. */
export interface ApiClient {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  on<E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void;
}

export type { ApiEvents, EventName };
export * from './api/app.ts';
export * from './api/jobs.ts';
export * from './api/library.ts';
export * from './api/tags.ts';
export * from './api/labels.ts';
export * from './api/predictions.ts';
export * from './api/personal.ts';
export * from './api/playlists.ts';
export * from './api/audio.ts';
export * from './errors.ts';
