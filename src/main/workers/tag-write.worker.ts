import type { TagBatchInfo } from '../../shared/api/tags.ts';
import { openDatabase } from '../core/db/database.ts';
import { runTagBatch } from '../core/tags/run-tag-batch.ts';
import { runInWorker } from './run-in-worker.ts';

export interface TagWritePayload {
  /** A batch created by the tagging service (a write or an undo). */
  batchId: number;
}

runInWorker<TagWritePayload, TagBatchInfo>({
  run: async ({ data, signal, progress, libraryChanged }) => {
    const db = openDatabase(data.dbPath, { migrate: false });
    // Each journal entry must be on disk before its file is replaced: a power cut must not forget an old value.
    db.pragma('synchronous = FULL');
    try {
      let lastChange = performance.now();
      const info = await runTagBatch(db, data.payload.batchId, {
        signal,
        onProgress: (done, total, current, message) => {
          progress(done, total, current, message);
          if (performance.now() - lastChange > 1500) {
            lastChange = performance.now();
            libraryChanged('tags');
          }
        },
      });
      libraryChanged('tags');
      return info;
    } finally {
      db.close();
    }
  },
});
