import { resolve } from 'node:path';
import { ApiError } from '../../shared/errors.ts';
import { LibraryOpenError } from '../core/db/open-library.ts';
import { createAppContext } from '../services/app-context.ts';
import type { AppContext } from '../services/app-context.ts';
import { OTHER_PROCESSES_CHECK_MS } from '../services/other-processes.ts';
import { createHandlers } from '../services/handlers.ts';
import type { Handlers } from '../services/handler-set.ts';
import { defaultDbPath, userDataDir } from '../services/user-data-dir.ts';

export interface CliContext {
  ctx: AppContext;
  api: Handlers;
}

export interface CliContextOptions {
  /** The command only reads the library: open it read-only where it cannot be written (list, tag-history, serve). */
  readOnlyOk?: boolean;
  /** A long-running command (serve) keeps a classification's workers for the next one, as the app does. */
  keepWorkersMs?: number;
  /**
   * A long-running command (serve) runs its scans and classifications in threads of their own, as the app does;
   * a one-shot command in its own thread, which only waits for them (services/jobs/in-thread-worker.ts).
   */
  serving?: boolean;
}

/**
 * The same services the desktop app uses, on the library at --db or the per-user default. A --db whose folder
 * does not exist is an error (a typo must not create folders and an empty library); a new library is announced
 * on stderr, and so is a library opened read-only. A damaged or foreign file fails with LibraryOpenError, which
 * the CLI prints as is.
 */
export function openCliContext(db: string | undefined, options: CliContextOptions = {}): CliContext {
  const dataDir = userDataDir();
  let ctx: AppContext;
  try {
    ctx = createAppContext({
      shell: 'cli',
      dbPath: db ? resolve(db) : defaultDbPath(dataDir),
      dataDir,
      keepWorkersMs: options.keepWorkersMs,
      jobsInThisThread: !options.serving,
      watchOtherProcessesMs: options.serving ? OTHER_PROCESSES_CHECK_MS : undefined,
      library: { createFolders: db === undefined, readOnlyFallback: options.readOnlyOk ?? false },
    });
  } catch (error) {
    // said as it is (which file, what is wrong, what to do), not as a stack trace
    if (error instanceof LibraryOpenError) throw new ApiError('unavailable', error.message);
    throw error;
  }
  if (ctx.created) process.stderr.write(`Created a new library at ${ctx.dbPath}\n`);
  if (ctx.readOnly) process.stderr.write(`The library ${ctx.dbPath} cannot be written: opened read-only.\n`);
  return { ctx, api: createHandlers(ctx) };
}
