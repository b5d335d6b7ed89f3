import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { readCachedAnalysis } from '../../../src/main/core/training/analysis/cached-analysis.ts';
import { engineSourceFingerprint } from '../../../src/main/core/training/analysis/engine-source-fingerprint.ts';
import { workerTrackAnalyzer } from '../../../src/main/workers/analysis-worker-pool.ts';
import { makeAudioFile } from '../../helpers/audio-fixtures.ts';
import { ffmpegsReading, untilFfmpegReads } from '../../helpers/ffmpeg-decoding.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

/** Real audio: pink noise, mono 22050 Hz FLAC. */
const noise = (name: string, seconds: number): string =>
  makeAudioFile(join(tmp.dir, name), { format: 'flac', seconds, channels: 1, sampleRate: 22050, source: 'anoisesrc=color=pink:amplitude=0.3' });

describe('training analysis pool (real dataset-analysis workers, ffmpeg): a worker killed in the middle of a file', () => {
  it('fails that file with an error naming it; the other worker finishes its file; the next files run on a replacement', { timeout: 120_000 }, async () => {
    const engine = engineSourceFingerprint();
    const job = (path: string) => ({ path, cacheFile: `${path}.gtac`, engine, sha256: 'test' });
    const long = noise('long.flac', 120);
    const [other, next1, next2] = ['other.flac', 'next-1.flac', 'next-2.flac'].map((name) => noise(name, 4));
    const started: Worker[] = [];
    const pool = workerTrackAnalyzer(2, { onWorkerStarted: (worker) => started.push(worker) });
    try {
      const doomed = pool.analyze(job(long));
      doomed.catch(() => {}); // awaited below
      await untilFfmpegReads('long.flac'); // its worker is decoding and analysing it
      expect(started, 'workers start on demand: one for the one file so far').toHaveLength(1);
      const alongside = pool.analyze(job(other)); // on a second worker
      await started[0].terminate();

      await expect(doomed).rejects.toThrow(`The worker thread analysing ${long} stopped before it finished (it exited with code 1)`);
      expect(existsSync(job(long).cacheFile)).toBe(false);
      await alongside;
      expect(readCachedAnalysis(job(other).cacheFile).durationSeconds).toBeCloseTo(4, 1);
      expect(started, 'not replaced until a file needs it').toHaveLength(2);

      await Promise.all([pool.analyze(job(next1)), pool.analyze(job(next2))]);
      expect(started, 'one replacement for the killed worker').toHaveLength(3);
      for (const path of [next1, next2]) expect(readCachedAnalysis(job(path).cacheFile).segmentCount).toBeGreaterThan(0);
    } finally {
      await pool.close();
    }
    expect(started.map((w) => w.threadId), 'close ended every worker').toEqual([-1, -1, -1]);
    // the killed worker's ffmpeg does not run on
    const deadline = Date.now() + 10_000;
    while (ffmpegsReading('long.flac').length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(ffmpegsReading('long.flac')).toEqual([]);
  });
});
