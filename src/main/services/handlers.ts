import type { AppContext } from './app-context.ts';
import { appHandlers } from './app.ts';
import { audioHandlers } from './audio.ts';
import type { Handlers } from './handler-set.ts';
import { jobHandlers } from './jobs.ts';
import { labelHandlers } from './labels.ts';
import { libraryHandlers } from './library.ts';
import { taggingHandlers } from './tagging.ts';
import { predictionsHandlers } from './predictions.ts';
import { personalHandlers } from './personal.ts';
import { playlistsHandlers } from './playlists.ts';

/** Binds every method of the contract to its service. Shared by IPC, the HTTP bridge and the CLI. */
export function createHandlers(ctx: AppContext): Handlers {
  return {
    ...appHandlers(ctx),
    ...jobHandlers(ctx),
    ...libraryHandlers(ctx),
    ...taggingHandlers(ctx),
    ...labelHandlers(ctx),
    ...predictionsHandlers(ctx),
    ...personalHandlers(ctx),
    ...playlistsHandlers(ctx),
    ...audioHandlers(ctx),
  };
}
