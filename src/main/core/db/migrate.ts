import type { Database } from './connection.ts';
import { migrations } from './migrations/index.ts';

/** Applies every migration newer than the database's version, each in a transaction; returns the versions run. */
export function migrate(db: Database): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  )`);
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
  );
  const newest = Math.max(0, ...applied);
  const known = Math.max(0, ...migrations.map((m) => m.version));
  if (newest > known) {
    throw new Error(
      `This library database was written by a newer Genre Tagger (schema ${newest}, this version knows ${known}). ` +
        'Update the app, or open a different library with --db.',
    );
  }
  const ran: number[] = [];
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const isApplied = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?');
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(m.version)) continue;
    const didRun = db.transaction(() => {
      // Another process opening this library at the same time (the app and a command) may have run it meanwhile:
      // the write lock is held from here, so look again.
      if (isApplied.get(m.version) !== undefined) return false;
      m.up(db);
      record.run(m.version, m.name, Date.now());
      return true;
    }).immediate();
    if (didRun) ran.push(m.version);
  }
  return ran;
}

export function schemaVersion(db: Database): number {
  const row = db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}
