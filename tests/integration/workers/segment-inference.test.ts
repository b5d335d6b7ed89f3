import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { activeModels } from '../../../src/main/core/classify/active-models.ts';
import type { ActiveModel } from '../../../src/main/core/classify/active-models.ts';
import type { PoolOutcome } from '../../../src/main/core/classify/run-classification.ts';
import { openTrackClassifier } from '../../../src/main/core/classify/track-classifier.ts';
import { ModelStore } from '../../../src/main/core/models/store/model-store.ts';
import { projectRoot } from '../../../src/main/project-root.ts';
import { openClassifierPool } from '../../../src/main/workers/classify-pool.ts';
import { makeAudioFile } from '../../helpers/audio-fixtures.ts';
import { requireGtzan } from '../../helpers/gtzan.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

const models = activeModels(new ModelStore({ userDir: join(tmp.dir, 'user'), shippedDir: join(projectRoot, 'models') }));
const clips = ['jazz.00001', 'metal.00007', 'classical.00004'].map((c) => join(requireGtzan(), 'audio', c.split('.')[0], `${c}.opus`));

/** Every model's probabilities of a successful outcome. */
function probabilities(outcome: PoolOutcome): [string, number[]][] {
  if (outcome.status !== 'ok') throw new Error(`not classified: ${JSON.stringify(outcome.reason)}`);
  return outcome.result.predictions.map((p) => [p.kind, Array.from(p.probabilities)]);
}

// The pool's analysis workers post their segments' batches to a segment-inference worker, which runs the CNN and
// MLFI (onnxruntime blocks the thread that runs a batch, so the analysis no longer waits for it).
describe('segment models run in an inference worker of their own (real workers, shipped models, GTZAN clips)', () => {
  it('gives exactly the probabilities of the same models run in the analysing thread', { timeout: 240_000 }, async () => {
    expect(models.map((m) => m.kind)).toEqual(expect.arrayContaining(['cnn', 'mlfi']));
    const inference: Worker[] = [];
    const pool = await openClassifierPool(models, 1, { onInferenceWorkerStarted: (w) => inference.push(w) });
    let pooled: PoolOutcome[];
    try {
      pooled = await Promise.all(clips.map((clip) => pool.classify(clip, new AbortController().signal)));
    } finally {
      await pool.close();
    }
    expect(inference).toHaveLength(1);
    expect(inference[0].threadId, 'ended with its pool').toBe(-1);

    const local = await openTrackClassifier(models, { onnxThreads: 1 });
    try {
      for (const [i, clip] of clips.entries()) {
        const here = await local.classify(clip);
        expect(probabilities(pooled[i]), clip).toEqual(here.predictions.map((p) => [p.kind, Array.from(p.probabilities)]));
        expect(pooled[i].status === 'ok' && pooled[i].result.segmentCount).toBe(here.segmentCount);
      }
    } finally {
      await local.close();
    }
  });

  it('a segment model that cannot be opened stops the classification at its first file, with onnxruntime’s reason', { timeout: 120_000 }, async () => {
    const cnn = models.find((m) => m.kind === 'cnn')!;
    const dir = join(tmp.dir, 'broken-cnn');
    cpSync(cnn.dir, dir, { recursive: true });
    for (const file of [cnn.manifest.files.onnx, cnn.manifest.files.onnxInt8]) if (file) writeFileSync(join(dir, file), 'not an ONNX model');
    const broken: ActiveModel[] = models.map((m) => (m === cnn ? { ...m, dir } : m));
    // the analysis workers start on their files while the models open; the first file learns that they cannot
    const pool = await openClassifierPool(broken, 1);
    try {
      const outcome = await pool.classify(clips[0], new AbortController().signal);
      expect(outcome).toMatchObject({ status: 'error', reason: { code: 'analysis-failed', action: 'stop' } });
      expect(outcome.status === 'error' && outcome.reason.message).toMatch(/^Classification stopped: .*(protobuf|parsing|Load model)/i);
    } finally {
      await pool.close();
    }
  });

  it('the inference worker stopping ends the classification (stop), and records nothing against the files', { timeout: 120_000 }, async () => {
    // long enough to be in the middle of it when the inference worker is killed
    const long = makeAudioFile(join(tmp.dir, 'long.flac'), { format: 'flac', seconds: 120, channels: 1, sampleRate: 22050, source: 'anoisesrc=color=pink:amplitude=0.3' });
    const inference: Worker[] = [];
    const pool = await openClassifierPool(models, 1, { onInferenceWorkerStarted: (w) => inference.push(w) });
    try {
      let underway!: () => void;
      const reported = new Promise<void>((resolve) => (underway = resolve));
      const outcome = pool.classify(long, new AbortController().signal, () => underway());
      await reported;
      await inference[0].terminate();
      const stopped = { status: 'error', reason: { code: 'analysis-failed', action: 'stop', message: 'Classification stopped: the thread running the segment models exited with code 1' } };
      expect(await outcome).toMatchObject(stopped);
      expect(await pool.classify(clips[0], new AbortController().signal), 'and the files after it').toMatchObject(stopped);
    } finally {
      await pool.close();
    }
  });
});
