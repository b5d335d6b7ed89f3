import { parentPort, workerData } from 'node:worker_threads';
import { closeFfmpegReader, useFfmpegReaderPort } from '../core/audio/ffmpeg-reader.ts';
import { computeCachedAnalysis, writeCachedAnalysis } from '../core/training/analysis/cached-analysis.ts';
import type { AnalysisReply, AnalysisRequest, AnalysisWorkerData } from './analysis-worker-pool.ts';

/**
 * Analyses training files one at a time for the training and evaluation jobs (see analysis-worker-pool.ts):
 * decode + segments + features with the engine, written to the on-disk cache; only a short reply goes back.
 */
const port = parentPort;
if (!port) throw new Error('dataset-analysis.worker must run in a worker thread');
const data = workerData as AnalysisWorkerData | undefined;
if (data?.readerPort) useFfmpegReaderPort(data.readerPort);
const running = new Map<number, AbortController>();
port.on('message', (m: AnalysisRequest) => {
  if (m.type === 'close') {
    for (const c of running.values()) c.abort();
    void closeFfmpegReader().finally(() => port.close());
    return;
  }
  if (m.type === 'cancel') {
    running.get(m.id)?.abort();
    return;
  }
  const controller = new AbortController();
  running.set(m.id, controller);
  computeCachedAnalysis(m.path, { engine: m.engine, sha256: m.sha256 }, controller.signal)
    .then((a) => {
      writeCachedAnalysis(m.cacheFile, a);
      port.postMessage({ id: m.id, ok: true } satisfies AnalysisReply);
    })
    .catch((error: unknown) => port.postMessage({ id: m.id, ok: false, error: error instanceof Error ? error.message : String(error) } satisfies AnalysisReply))
    .finally(() => running.delete(m.id));
});
