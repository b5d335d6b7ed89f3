import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSvmModel } from '../../src/main/core/models/store/load-svm-model.ts';
import { ModelStore } from '../../src/main/core/models/store/model-store.ts';
import { applyPca } from '../../src/main/core/models/svm/pca.ts';
import { standardize } from '../../src/main/core/models/svm/standardizer.ts';
import { svmTrackProbabilities } from '../../src/main/core/models/svm/svm-track-probabilities.ts';
import { readFeatureTable, selectRows } from '../../src/main/core/training/datasets/feature-table.ts';
import { sha256File } from '../../src/main/core/training/runs/file-hash.ts';
import { applySplit, readSplitFiles } from '../../src/main/core/training/splits/split-files.ts';
import { evaluateSvmOnRows } from '../../src/main/core/training/svm/train-svm.ts';
import { projectRoot } from '../../src/main/project-root.ts';
import { requireGtzan } from '../helpers/gtzan.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

describe('the shipped default SVM', () => {
  it('reaches the accuracy its manifest states on the fault-filtered test split, recomputed from the CSV', () => {
    const gtzan = requireGtzan();
    const tmp = makeTempDir();
    try {
      const store = new ModelStore({ userDir: tmp.dir, shippedDir: join(projectRoot, 'models') });
      const version = store.active('svm');
      expect(version?.source).toBe('shipped');
      const { manifest } = version!;
      expect(manifest.training.split).toEqual({ kind: 'files', source: '../shared/datasets/gtzan/splits' });
      const csv = join(gtzan, 'features_30_sec.csv');
      expect(manifest.training.dataset.sha256).toBe(sha256File(csv));

      const table = readFeatureTable(csv);
      const parts = applySplit(table.rows.map((r) => r.track), readSplitFiles(join(gtzan, 'splits')));
      expect(parts.test).toHaveLength(290);
      const model = loadSvmModel(version!);
      const metrics = evaluateSvmOnRows(model, table, parts.test);
      expect(metrics.n).toBe(290);
      expect(metrics.accuracy).toBe(manifest.metrics.test!.accuracy);
      expect(metrics.confusion).toEqual(manifest.metrics.test!.confusion);
      expect(metrics.perClass.map((c) => c.f1)).toEqual(manifest.metrics.test!.perClass.map((c) => c.f1));

      // Honesty: no test clip is among the support vectors (the model was fitted on train + valid only).
      const d = model.svm.dim;
      let x = standardize(model.standardizer, selectRows(table, parts.test), parts.test.length);
      if (model.pca) x = applyPca(model.pca, x, parts.test.length);
      const sv = new Set<string>();
      for (let s = 0; s < model.svm.supportVectors.length / d; s++) sv.add(Array.from(model.svm.supportVectors.subarray(s * d, s * d + d)).join());
      for (let i = 0; i < parts.test.length; i++) expect(sv.has(Array.from(x.subarray(i * d, i * d + d)).join())).toBe(false);
      // ...while training clips are (as a fitted SVM's support vectors must be).
      let xt = standardize(model.standardizer, selectRows(table, parts.train), parts.train.length);
      if (model.pca) xt = applyPca(model.pca, xt, parts.train.length);
      let found = 0;
      for (let i = 0; i < parts.train.length; i++) if (sv.has(Array.from(xt.subarray(i * d, i * d + d)).join())) found++;
      expect(found).toBeGreaterThan(100);
    } finally {
      tmp.cleanup();
    }
  });

  it('averages 30 s windows into one track prediction', () => {
    const gtzan = requireGtzan();
    const tmp = makeTempDir();
    try {
      const store = new ModelStore({ userDir: tmp.dir, shippedDir: resolve(projectRoot, 'models') });
      const model = loadSvmModel(store.active('svm')!);
      const table = readFeatureTable(join(gtzan, 'features_30_sec.csv'));
      const rows = [0, 100, 200]; // three clips as if they were three windows of one long track
      const { windows, track } = svmTrackProbabilities(model, { data: Float32Array.from(selectRows(table, rows)), shape: [3, 57] });
      expect(windows).toHaveLength(30);
      for (let c = 0; c < 10; c++) expect(track[c]).toBeCloseTo((windows[c] + windows[10 + c] + windows[20 + c]) / 3, 12);
      expect(track.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    } finally {
      tmp.cleanup();
    }
  });
});
