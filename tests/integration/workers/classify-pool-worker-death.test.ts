import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { activeModels } from '../../../src/main/core/classify/active-models.ts';
import type { PoolOutcome } from '../../../src/main/core/classify/run-classification.ts';
import { ModelStore } from '../../../src/main/core/models/store/model-store.ts';
import { projectRoot } from '../../../src/main/project-root.ts';
import { openClassifierPool } from '../../../src/main/workers/classify-pool.ts';
import { makeAudioFile } from '../../helpers/audio-fixtures.ts';
import { ffmpegsReading } from '../../helpers/ffmpeg-decoding.ts';
import { requireGtzan } from '../../helpers/gtzan.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

describe('classification pool (real classify-track workers, shipped SVM, real audio): a worker killed mid-track', () => {
  it('reports that track as failed, the other worker classifies its track, and the next tracks run on a replacement', { timeout: 180_000 }, async () => {
    // long enough that neither is near its end when the worker is killed
    const [a, b] = ['a.flac', 'b.flac'].map((name) =>
      makeAudioFile(join(tmp.dir, name), { format: 'flac', seconds: 90, channels: 1, sampleRate: 22050, source: 'anoisesrc=color=pink:amplitude=0.3' }),
    );
    const clip = (name: string): string => join(requireGtzan(), 'audio', name.split('.')[0], name);
    const [c, d] = ['jazz.00001.opus', 'blues.00003.opus'].map(clip);
    const store = new ModelStore({ userDir: tmp.dir, shippedDir: join(projectRoot, 'models') });
    const started: Worker[] = [];
    const readies: Promise<void>[] = [];
    const pool = await openClassifierPool(activeModels(store, ['svm']), 2, {
      onWorkerStarted: (worker) => {
        started.push(worker);
        readies.push(new Promise((resolve) => worker.on('message', (m: { type: string }) => m.type === 'ready' && resolve())));
      },
    });
    expect(started, 'both workers start (and open the models) when the pool opens').toHaveLength(2);
    // each worker takes two tracks at a time: with both ready, the two tracks go one to each
    await Promise.all(readies);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const signal = new AbortController().signal;
    try {
      // Both tracks under way (each has reported progress), one per worker: then one worker is killed.
      const underway = new Map<string, () => void>();
      const reported = [a, b].map((path) => new Promise<void>((resolve) => underway.set(path, resolve)));
      const [first, second] = [a, b].map((path) => pool.classify(path, signal, () => underway.get(path)!()));
      await Promise.all([Promise.race([reported[0], first]), Promise.race([reported[1], second])]);
      await started[0].terminate();
      const outcomes = new Map<string, PoolOutcome>([
        [a, await first],
        [b, await second],
      ]);
      const failed = [...outcomes].filter(([, o]) => o.status === 'error');
      const classified = [...outcomes].filter(([, o]) => o.status === 'ok');
      expect(failed, 'the track of the killed worker').toHaveLength(1);
      expect(failed[0][1]).toMatchObject({
        status: 'error',
        reason: { code: 'analysis-failed', action: 'failed', message: 'Analysis failed: the analysis worker stopped in the middle of this file (it exited with code 1)' },
      });
      expect(classified, 'the track of the other worker').toHaveLength(1);
      const survivor = classified[0][1];
      expect(survivor.status === 'ok' && survivor.result.predictions.length).toBeGreaterThan(0);
      expect(started, 'not replaced until a track needs it').toHaveLength(2);

      const next = await Promise.all([c, d].map((path) => pool.classify(path, signal)));
      expect(next.map((o) => o.status)).toEqual(['ok', 'ok']);
      expect(started, 'one replacement for the killed worker').toHaveLength(3);
    } finally {
      await pool.close();
    }
    expect(started.map((w) => w.threadId), 'close ended every worker').toEqual([-1, -1, -1]);
    // the killed worker's ffmpeg does not run on
    const deadline = Date.now() + 10_000;
    while ([...ffmpegsReading('a.flac'), ...ffmpegsReading('b.flac')].length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect([...ffmpegsReading('a.flac'), ...ffmpegsReading('b.flac')]).toEqual([]);
  });
});
