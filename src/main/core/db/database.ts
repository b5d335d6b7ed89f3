import BetterSqlite3 from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Database } from './connection.ts';
import { migrate } from './migrate.ts';
import { sortKey } from './sort-key.ts';

export type { Database };

export interface OpenOptions {
  /** Apply pending migrations (the main process does; workers open an already-migrated file). */
  migrate?: boolean;
  readonly?: boolean;
}

/**
 * Opens the library database with the settings every connection needs: WAL so readers never wait for the scanner,
 * foreign keys on, a busy timeout so a worker's write transaction and the UI's reads can share the file.
 *
 * Every write transaction in the engine begins IMMEDIATE (`db.transaction(fn).immediate()`): a deferred one that
 * reads before it writes fails at once with "database is locked", busy timeout or not, when another connection
 * (another thread of the app, or another process: the app and a `genre-tagger` command on one library) wrote
 * first. An immediate one waits for the write lock up front. ESLint holds every call in src/main to it.
 */
export function openDatabase(path: string, options: OpenOptions = {}): Database {
  if (path !== ':memory:' && !options.readonly) mkdirSync(dirname(path), { recursive: true });
  const db = new BetterSqlite3(path, { readonly: options.readonly ?? false });
  db.pragma('busy_timeout = 10000');
  if (!options.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  }
  db.pragma('foreign_keys = ON');
  // Used by the sort indexes: every connection that may write tracks needs it.
  db.function('sort_key', { deterministic: true }, (text: unknown) => sortKey(typeof text === 'string' ? text : null));
  db.pragma('cache_size = -32000');
  db.pragma('temp_store = MEMORY');
  if (options.migrate ?? true) migrate(db);
  return db;
}
