import type { AppContext } from './app-context.ts';
import type { HandlerSet } from './handler-set.ts';

export function jobHandlers(ctx: AppContext): HandlerSet<'jobs.'> {
  return {
    'jobs.list': () => ctx.jobs.list(),
    'jobs.get': ({ id }) => ctx.jobs.get(id),
    'jobs.cancel': ({ id }) => ctx.jobs.cancel(id),
  };
}
