import { Worker } from 'node:worker_threads';
import type { TrackAnalyzer } from '../core/training/analysis/analyze-dataset.ts';
import { endWorker } from './end-worker.ts';
import { workerUrl } from './worker-url.ts';

export type AnalysisRequest =
  | { type: 'analyze'; id: number; path: string; cacheFile: string; engine: string; sha256: string }
  | { type: 'cancel'; id: number }
  | { type: 'close' };
export type AnalysisReply = { id: number; ok: true } | { id: number; ok: false; error: string };

/**
 * A TrackAnalyzer backed by `size` dataset-analysis worker threads (the training job's own thread only trains):
 * each call is sent to a free worker; cancelling the signal cancels that analysis. `close()` ends the workers.
 */
export function workerTrackAnalyzer(size = 2): { analyze: TrackAnalyzer; close: () => Promise<void> } {
  const idle: Worker[] = [];
  const all: Worker[] = [];
  const waiting: ((w: Worker) => void)[] = [];
  const pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  let nextId = 1;
  const acquire = (): Promise<Worker> => {
    const w = idle.pop();
    if (w) return Promise.resolve(w);
    if (all.length < size) {
      const worker = new Worker(workerUrl('dataset-analysis'));
      worker.on('message', (m: AnalysisReply) => {
        const p = pending.get(m.id);
        pending.delete(m.id);
        if (m.ok) p?.resolve();
        else p?.reject(new Error(m.error));
      });
      worker.on('error', (e) => {
        for (const p of pending.values()) p.reject(e);
        pending.clear();
      });
      all.push(worker);
      return Promise.resolve(worker);
    }
    return new Promise((resolve) => waiting.push(resolve));
  };
  const release = (w: Worker): void => {
    const next = waiting.shift();
    if (next) next(w);
    else idle.push(w);
  };
  const analyze: TrackAnalyzer = async (job, signal) => {
    signal?.throwIfAborted();
    const worker = await acquire();
    const id = nextId++;
    const onAbort = () => worker.postMessage({ type: 'cancel', id } satisfies AnalysisRequest);
    try {
      await new Promise<void>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        signal?.addEventListener('abort', onAbort, { once: true });
        worker.postMessage({ type: 'analyze', id, ...job } satisfies AnalysisRequest);
      });
    } finally {
      signal?.removeEventListener('abort', onAbort);
      release(worker);
    }
  };
  return { analyze, close: async () => void (await Promise.all(all.map((w) => endWorker(w, { type: 'close' } satisfies AnalysisRequest)))) };
}
