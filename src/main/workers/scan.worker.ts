import type { ScanSummary } from '../../shared/api/library.ts';
import { openDatabase } from '../core/db/database.ts';
import { emptyCounts, scanRoot } from '../core/scan/scanner.ts';
import type { ScanRoot } from '../core/scan/scanner.ts';
import { runInWorker } from './run-in-worker.ts';

export interface ScanPayload {
  rootIds: number[];
}

runInWorker<ScanPayload, ScanSummary>(async ({ data, signal, progress, libraryChanged }) => {
  const started = performance.now();
  const db = openDatabase(data.dbPath, { migrate: false });
  try {
    const roots = db
      .prepare(`SELECT id, path FROM roots WHERE id IN (SELECT value FROM json_each(?)) ORDER BY path`)
      .all(JSON.stringify(data.payload.rootIds)) as ScanRoot[];
    const total = emptyCounts();
    let lastChange = performance.now();
    for (const [i, root] of roots.entries()) {
      if (signal.aborted) break;
      const label = roots.length > 1 ? `Folder ${i + 1} of ${roots.length}: ` : '';
      const counts = await scanRoot(db, root, {
        signal,
        onProgress: (p) => {
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
      for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += counts[k];
    }
    db.pragma('optimize');
    libraryChanged('scan');
    return { roots: roots.length, ...total, cancelled: signal.aborted, elapsedMs: Math.round(performance.now() - started) };
  } finally {
    db.close();
  }
});
