import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AudioDataset, AudioItem } from '../datasets/audio-dataset.ts';
import type { CachedAnalysis } from './cached-analysis.ts';
import { CACHED_ANALYSIS_FORMAT, computeCachedAnalysis, readCachedAnalysis, writeCachedAnalysis } from './cached-analysis.ts';
import { engineSourceFingerprint } from './engine-source-fingerprint.ts';

/** One labelled track of an audio dataset with its (cached) analysis. */
export interface AnalysedTrack extends AudioItem {
  analysis: CachedAnalysis;
}

/** Analyses `path` and writes the result to `cacheFile` (in a worker thread, or in process). */
export type TrackAnalyzer = (job: { path: string; cacheFile: string; engine: string; sha256: string }, signal?: AbortSignal) => Promise<void>;

/** The in-process analyzer (tests, scripts without workers). */
export const inProcessAnalyzer: TrackAnalyzer = async (job, signal) => {
  writeCachedAnalysis(job.cacheFile, await computeCachedAnalysis(job.path, { engine: job.engine, sha256: job.sha256 }, signal));
};

export interface AnalyzeDatasetOptions {
  /** Folder of cached analyses (`<sha256>-<engine>.gtac`). */
  cacheDir: string;
  analyzer?: TrackAnalyzer;
  /** Files analysed at once (default 2). */
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, message: string) => void;
}

function sha256Of(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

export function cachedAnalysisFile(cacheDir: string, sha256: string, engine: string): string {
  return join(cacheDir, 'analysis', `${sha256}-${engine}-f${CACHED_ANALYSIS_FORMAT}.gtac`);
}

/**
 * Analyses every file of a dataset once: the analysis is cached on disk under the file's content hash and the
 * engine version, so cross-validation folds, reruns and other models reuse it (renaming or moving a file does
 * not matter; changing its audio or the engine does). Missing analyses are computed `concurrency` at a time by
 * `analyzer`. Files that cannot be analysed are reported together, after all the others are cached.
 */
export async function analyzeDataset(dataset: AudioDataset, options: AnalyzeDatasetOptions): Promise<AnalysedTrack[]> {
  const engine = engineSourceFingerprint();
  const analyzer = options.analyzer ?? inProcessAnalyzer;
  const total = dataset.items.length;
  const jobs = dataset.items.map((item) => {
    let sha256: string;
    try {
      sha256 = sha256Of(item.path);
    } catch (error) {
      throw new Error(`Cannot read ${item.path}: ${(error as Error).message}`);
    }
    return { item, sha256, cacheFile: cachedAnalysisFile(options.cacheDir, sha256, engine) };
  });
  const todo = jobs.filter((j) => !existsSync(j.cacheFile));
  let done = total - todo.length;
  options.onProgress?.(done, total, todo.length > 0 ? `Analysing ${todo.length} file(s) (${done} cached)` : `All ${total} analyses cached`);
  const failures: string[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < todo.length) {
      options.signal?.throwIfAborted();
      const job = todo[next++];
      try {
        await analyzer({ path: job.item.path, cacheFile: job.cacheFile, engine, sha256: job.sha256 }, options.signal);
      } catch (error) {
        options.signal?.throwIfAborted();
        failures.push(`${job.item.path}: ${(error as Error).message}`);
      }
      done++;
      options.onProgress?.(done, total, `Analysed ${job.item.path}`);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 2, todo.length)) }, worker));
  options.signal?.throwIfAborted();
  if (failures.length > 0) {
    throw new Error(`${failures.length} of ${total} file(s) could not be analysed (the others are cached):\n  ${failures.slice(0, 10).join('\n  ')}`);
  }
  return jobs.map((j) => {
    let analysis: CachedAnalysis;
    try {
      analysis = readCachedAnalysis(j.cacheFile);
    } catch (error) {
      throw new Error(`The cached analysis of ${j.item.path} is unreadable (delete ${j.cacheFile}): ${(error as Error).message}`);
    }
    return { ...j.item, analysis };
  });
}
