import type { ScanIssue } from '../../../shared/api/library.ts';
import type { Database } from './database.ts';

/** The files and folders a scan skipped (table `scan_issues`), per library folder. */

/**
 * The skipped files and folders of some library folders (all when `rootIds` is omitted), by path: the first
 * `limit` (null: every one), and how many there are.
 */
export function readScanIssues(db: Database, limit: number | null, rootIds?: readonly number[]): { total: number; issues: ScanIssue[] } {
  const where = rootIds ? 'WHERE root_id IN (SELECT value FROM json_each(?))' : '';
  const args = rootIds ? [JSON.stringify(rootIds)] : [];
  const total = (db.prepare(`SELECT count(*) AS n FROM scan_issues ${where}`).get(...args) as { n: number }).n;
  const issues = db
    .prepare(`SELECT path, error, seen_at AS seenAt FROM scan_issues ${where} ORDER BY path LIMIT ?`)
    .all(...args, limit ?? -1) as ScanIssue[];
  return { total, issues };
}

/** A finished scan of one library folder: its issues replace the earlier ones and it gets its scan time. One transaction. */
export function recordRootScan(db: Database, rootId: number, issues: readonly { path: string; error: string }[], now: number): void {
  db.transaction(() => {
    db.prepare('DELETE FROM scan_issues WHERE root_id = ?').run(rootId);
    const add = db.prepare('INSERT OR REPLACE INTO scan_issues (root_id, path, error, seen_at) VALUES (?, ?, ?, ?)');
    for (const i of issues) add.run(rootId, i.path, i.error, now);
    db.prepare('UPDATE roots SET last_scan_at = ? WHERE id = ?').run(now, rootId);
  }).immediate();
}
