import type { ScanSummary } from '../../shared/api/library.ts';
import { openDatabase } from '../core/db/database.ts';
import { scanRoots } from '../core/scan/scanner.ts';
import type { ScanRoot } from '../core/scan/scanner.ts';
import type { JobDefinition } from './run-job-on-port.ts';

export interface ScanPayload {
  rootIds: number[];
}

/** Lists the library's folders and reads what is new or changed: its thread (scan.worker.ts), or the CLI's own. */
export const scanJob: JobDefinition<ScanPayload, ScanSummary> = {
  run: async ({ data, signal, progress, libraryChanged }) => {
    const started = performance.now();
    const db = openDatabase(data.dbPath, { migrate: false });
    try {
      const roots = db
        .prepare(`SELECT id, path FROM roots WHERE id IN (SELECT value FROM json_each(?)) ORDER BY path`)
        .all(JSON.stringify(data.payload.rootIds)) as ScanRoot[];
      let lastChange = performance.now();
      const index = new Map(roots.map((r, i) => [r.path, i]));
      const total = await scanRoots(db, roots, {
        signal,
        onProgress: (p) => {
          const label = roots.length > 1 ? `Folder ${(index.get(p.root) ?? 0) + 1} of ${roots.length}: ` : '';
          const message =
            p.phase === 'listing'
              ? `${label}listing files (${p.done} found)`
              : p.phase === 'reading'
                ? `${label}reading tags`
                : `${label}finishing`;
          progress(p.done, p.total, p.current, message);
          // Let the table fill while a long scan runs.
          if (p.phase === 'reading' && performance.now() - lastChange > 1500) {
            lastChange = performance.now();
            libraryChanged('scan');
          }
        },
      });
      db.pragma('optimize');
      libraryChanged('scan');
      return { roots: roots.length, ...total, cancelled: signal.aborted, elapsedMs: Math.round(performance.now() - started) };
    } finally {
      db.close();
    }
  },
};
