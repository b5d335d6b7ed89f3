import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeAudio } from '../../src/main/core/audio/decode-audio.ts';
import { analyzeTrack } from '../../src/main/core/features/index.ts';
import { loadEnsembleModel } from '../../src/main/core/models/ensemble/ensemble-model.ts';
import { ModelStore } from '../../src/main/core/models/store/model-store.ts';
import { svmWindowFeatures, svmWindowPlan } from '../../src/main/core/models/svm/svm-windows.ts';
import type { TrackInputs } from '../../src/main/core/models/track-classifiers.ts';
import { openTrackClassifiers } from '../../src/main/core/models/track-classifiers.ts';
import { projectRoot } from '../../src/main/project-root.ts';
import { requireGtzan } from '../helpers/gtzan.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());
const sum = (xs: ArrayLike<number>): number => Array.from(xs).reduce((a, b) => a + b, 0);

/** What the app's classify job hands the models: the engine's segments and the SVM's 30 s window features. */
async function inputsOf(path: string): Promise<TrackInputs & { n: number }> {
  const a = await analyzeTrack(path);
  const single = svmWindowPlan(a.durationSeconds).length === 1;
  const svmWindows = single ? { data: a.clip.features, shape: [1, 57] } : svmWindowFeatures((await decodeAudio(path)).data).features;
  return { segments: a.segments, svmWindows, n: a.segmentCount };
}

describe('the shipped CNN, MLFI and ensemble', () => {
  it('load from models/ and classify GTZAN clips end to end through onnxruntime', async () => {
    const gtzan = requireGtzan();
    const store = new ModelStore({ userDir: tmp.dir, shippedDir: join(projectRoot, 'models') });
    for (const kind of ['cnn', 'mlfi', 'ensemble'] as const) {
      const v = store.active(kind);
      expect(v?.source, kind).toBe('shipped');
      const m = v!.manifest;
      // Cross-validated on the 101 clips; the final model saw all of them but its early-stopping hold-out.
      expect(m.metrics.crossValidation?.folds).toBe(10);
      expect(m.metrics.crossValidation?.pooled.n).toBe(101);
      expect(m.training.dataset.tracks).toBe(101);
      if (kind !== 'ensemble') {
        expect(m.training.counts.train + m.training.counts.valid).toBe(101);
        expect(m.files.onnx && existsSync(join(v!.dir, m.files.onnx))).toBe(true);
      }
    }
    const ensemble = loadEnsembleModel(store.active('ensemble')!);
    expect(ensemble.members.map((m) => m.kind).sort()).toEqual(['cnn', 'mlfi', 'svm']);
    expect(sum(ensemble.members.map((m) => m.weight))).toBeCloseTo(1, 9);

    const models = await openTrackClassifiers(store, { runtime: 'onnx', onnx: { threads: 1 } });
    try {
      expect(models.substitutedMembers).toEqual([]);
      for (const m of ensemble.members) expect(models.versions[m.kind]?.manifest.version).toBe(m.version);
      for (const clip of ['jazz/jazz.00005.opus', 'rock/rock.00002.opus']) {
        const inputs = await inputsOf(join(gtzan, 'audio', clip));
        const out = await models.classify(inputs);
        for (const kind of ['cnn', 'mlfi'] as const) {
          const p = out[kind]!;
          expect(p.parts).toHaveLength(inputs.n * 10);
          for (let s = 0; s < inputs.n; s++) expect(sum(p.parts!.subarray(s * 10, s * 10 + 10))).toBeCloseTo(1, 5);
          expect(sum(p.track)).toBeCloseTo(1, 5);
        }
        expect(sum(out.svm!.track)).toBeCloseTo(1, 9);
        const e = out.ensemble!;
        expect(sum(e.track)).toBeCloseTo(1, 5);
        // The ensemble is the weighted mean of its members' track probabilities.
        for (let c = 0; c < 10; c++) {
          const expected = ensemble.members.reduce((a, m) => a + m.weight * out[m.kind]!.track[c], 0);
          expect(e.track[c]).toBeCloseTo(expected, 9);
        }
      }
    } finally {
      await models.close();
    }
  });
});
