import { Worker } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { openSharedFfmpegReader } from '../core/audio/shared-ffmpeg-reader.ts';
import type { SharedFfmpegReader } from '../core/audio/shared-ffmpeg-reader.ts';
import type { TrackAnalyzer } from '../core/training/analysis/analyze-dataset.ts';
import { endTogether } from './end-together.ts';
import { endWorker } from './end-worker.ts';
import { workerUrl } from './worker-url.ts';
import { createWorkerPool } from './worker-pool.ts';

export type AnalysisRequest =
  | { type: 'analyze'; id: number; path: string; cacheFile: string; engine: string; sha256: string }
  | { type: 'cancel'; id: number }
  | { type: 'close' };
export type AnalysisReply = { id: number; ok: true } | { id: number; ok: false; error: string };
/** Set up by the pool: a port to the ffmpeg reader its workers share (core/audio/shared-ffmpeg-reader.ts). */
export interface AnalysisWorkerData {
  readerPort: MessagePort;
}

export interface AnalysisPoolHooks {
  /** Told of every worker thread started (the first ones, on demand, and replacements of stopped ones). */
  onWorkerStarted?: (worker: Worker) => void;
}

/**
 * A TrackAnalyzer backed by up to `size` dataset-analysis worker threads (the training job's own thread only
 * trains), started on first use: each call is sent to a free worker; cancelling the signal cancels that analysis.
 * A worker that stops in the middle of a file fails that file's call (naming the file) and is replaced for the
 * next one. The workers share one ffmpeg reader thread and launcher process. `close()` ends the workers.
 */
export function workerTrackAnalyzer(size = 2, hooks: AnalysisPoolHooks = {}): { analyze: TrackAnalyzer; close: () => Promise<void> } {
  let reader: SharedFfmpegReader | null = null;
  const pool = createWorkerPool({
    size,
    start: () => {
      reader ??= openSharedFfmpegReader();
      const readerPort = reader.connect();
      return new Worker(workerUrl('dataset-analysis'), { workerData: { readerPort } satisfies AnalysisWorkerData, transferList: [readerPort] });
    },
    end: (worker) => endWorker(worker, { type: 'close' } satisfies AnalysisRequest),
    onWorkerStarted: hooks.onWorkerStarted,
  });
  let nextId = 1;
  const analyze: TrackAnalyzer = async (job, signal) => {
    signal?.throwIfAborted();
    let cancel: (() => void) | undefined;
    try {
      await pool.run(
        `analysing ${job.path}`,
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const id = nextId++;
            const onReply = (m: AnalysisReply): void => {
              if (m.id !== id) return;
              worker.off('message', onReply);
              if (m.ok) resolve();
              else reject(new Error(m.error));
            };
            worker.on('message', onReply);
            cancel = () => worker.postMessage({ type: 'cancel', id } satisfies AnalysisRequest);
            signal?.addEventListener('abort', cancel, { once: true });
            worker.postMessage({ type: 'analyze', id, ...job } satisfies AnalysisRequest);
            if (signal?.aborted) cancel();
          }),
      );
    } finally {
      if (cancel) signal?.removeEventListener('abort', cancel);
    }
  };
  // nothing is read any more: the workers and the reader end side by side
  const close = (): Promise<void> => endTogether(pool.close(), reader?.close());
  return { analyze, close };
}
