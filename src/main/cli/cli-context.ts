import { resolve } from 'node:path';
import { createAppContext } from '../services/app-context.ts';
import type { AppContext } from '../services/app-context.ts';
import { createHandlers } from '../services/handlers.ts';
import type { Handlers } from '../services/handler-set.ts';
import { defaultDbPath, userDataDir } from '../services/user-data-dir.ts';

export interface CliContext {
  ctx: AppContext;
  api: Handlers;
}

/** The same services the desktop app uses, on the library at --db or the per-user default. */
export function openCliContext(db: string | undefined): CliContext {
  const dataDir = userDataDir();
  const ctx = createAppContext({
    shell: 'cli',
    dbPath: db ? resolve(db) : defaultDbPath(dataDir),
    dataDir,
  });
  return { ctx, api: createHandlers(ctx) };
}
