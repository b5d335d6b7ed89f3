import type { Database } from './database.ts';
import { DEFAULT_UNSURE_THRESHOLD } from './unsure.ts';

/** The library's unsure threshold (`settings.unsureThreshold`), or the default. */
export function readUnsureThreshold(db: Database): number {
  const v = db.prepare("SELECT value_json FROM settings WHERE key = 'unsureThreshold'").pluck().get() as string | undefined;
  return v === undefined ? DEFAULT_UNSURE_THRESHOLD : Number(JSON.parse(v));
}

export function writeUnsureThreshold(db: Database, threshold: number): void {
  db.prepare("INSERT INTO settings (key, value_json) VALUES ('unsureThreshold', ?) ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json").run(JSON.stringify(threshold));
}
