import type { Database } from './database.ts';

/**
 * A value that changes whenever the database's content may have changed: `data_version` moves when another
 * connection (a scan worker) commits, `total_changes()` when this connection writes. Caches keyed on it never
 * serve rows older than the last commit.
 */
export function changeStamp(db: Database): string {
  const version = db.pragma('data_version', { simple: true }) as number;
  const own = db.prepare('SELECT total_changes()').pluck().get() as number;
  return `${version}:${own}`;
}
