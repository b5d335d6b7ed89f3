import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadEnsembleModel, resolveEnsembleMembers } from '../../../src/main/core/models/ensemble/ensemble-model.ts';
import type { ModelManifest } from '../../../src/main/core/models/store/model-manifest.ts';
import { ModelStore } from '../../../src/main/core/models/store/model-store.ts';
import { svmWindowPlan } from '../../../src/main/core/models/svm/svm-windows.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

describe('SVM windows', () => {
  it('are 30 s every 15 s, the last one ending at the track end; a clip up to 31.5 s is one window', () => {
    expect(svmWindowPlan(30.013)).toEqual([{ start: 0, end: 30.013 }]);
    expect(svmWindowPlan(12)).toEqual([{ start: 0, end: 12 }]);
    expect(svmWindowPlan(60)).toEqual([
      { start: 0, end: 30 },
      { start: 15, end: 45 },
      { start: 30, end: 60 },
    ]);
    expect(svmWindowPlan(50)).toEqual([
      { start: 0, end: 30 },
      { start: 15, end: 45 },
      { start: 20, end: 50 },
    ]);
    expect(svmWindowPlan(0)).toEqual([]);
  });
});

function manifest(kind: 'cnn' | 'svm' | 'mlfi' | 'ensemble', version: string, files: Record<string, string>): ModelManifest {
  return {
    formatVersion: 1,
    kind,
    version,
    architecture: 'x',
    labels: ['a', 'b'],
    inputs: [],
    aggregation: 'mean',
    normalization: null,
    files,
    training: {
      dataset: { path: 'd', sha256: null, rows: 1, tracks: 1 },
      split: { kind: 'folds', folds: 3, seed: 1 },
      counts: { train: 1, valid: 0, test: 0, fitted: 1 },
      params: {},
      seed: 1,
      durationMs: 1,
    },
    metrics: {},
    createdAt: '2026-01-01T00:00:00.000Z',
    code: { appVersion: '0.1.0', gitCommit: null },
  };
}

describe('ensemble versions', () => {
  it('name their members and weights; a removed member is replaced by the active one of its kind, flagged', async () => {
    const store = new ModelStore({ userDir: tmp.dir });
    for (const [kind, version] of [
      ['cnn', 'c1'],
      ['svm', 's1'],
      ['svm', 's2'],
    ] as const) {
      await store.save(manifest(kind, version, { w: 'w.bin' }), (dir) => writeFileSync(join(dir, 'w.bin'), ''));
    }
    store.setActive('svm', 's2');
    const model = { labels: ['a', 'b'], members: [{ kind: 'cnn', version: 'c1', weight: 0.7 }, { kind: 'svm', version: 's1', weight: 0.3 }] };
    const ens = await store.save(manifest('ensemble', 'e1', { ensemble: 'ensemble.json' }), (dir) => writeFileSync(join(dir, 'ensemble.json'), JSON.stringify(model)));
    const loaded = loadEnsembleModel(ens);
    expect(loaded.members).toEqual(model.members);
    expect(resolveEnsembleMembers(loaded, store).map((m) => [m.version.manifest.version, m.substituted])).toEqual([
      ['c1', false],
      ['s1', false],
    ]);
    store.remove('svm', 's1');
    expect(resolveEnsembleMembers(loaded, store).map((m) => [m.version.manifest.version, m.substituted])).toEqual([
      ['c1', false],
      ['s2', true],
    ]);
    store.remove('cnn', 'c1');
    expect(() => resolveEnsembleMembers(loaded, store)).toThrow(/needs a cnn model \(c1\), and none is installed/);

    writeFileSync(join(ens.dir, 'ensemble.json'), JSON.stringify({ ...model, members: [{ kind: 'cnn', version: 'c1', weight: -1 }] }));
    expect(() => loadEnsembleModel(ens)).toThrow(/non-negative/);
    writeFileSync(join(ens.dir, 'ensemble.json'), JSON.stringify({ ...model, labels: ['b', 'a'] }));
    expect(() => loadEnsembleModel(ens)).toThrow(/labels differ/);
  });
});
