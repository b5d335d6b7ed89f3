import type { Database } from './database.ts';

/**
 * The folders holding tracks below `base` (a folder path without a trailing slash), each with its number of
 * tracks: every `dir` whose tracks' paths start with `base/`.
 */
export function trackCountsByDir(db: Database, base: string): { dir: string; n: number }[] {
  return db
    .prepare(`SELECT dir, count(*) AS n FROM tracks WHERE path >= ? AND path < ? GROUP BY dir`)
    .all(`${base}/`, `${base}0`) as { dir: string; n: number }[];
}
