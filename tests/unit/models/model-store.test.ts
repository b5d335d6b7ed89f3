import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ModelManifest } from '../../../src/main/core/models/store/model-manifest.ts';
import { ModelStore } from '../../../src/main/core/models/store/model-store.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

let cleanup: (() => void) | null = null;
afterEach(() => cleanup?.());

function manifest(version: string, createdAt: string): ModelManifest {
  return {
    formatVersion: 1,
    kind: 'svm',
    version,
    architecture: 'rbf-svm',
    labels: ['a', 'b'],
    inputs: [{ name: 'features', shape: [-1, 2], features: ['x', 'y'], window: { seconds: 30, hopSeconds: 15 } }],
    aggregation: 'mean',
    normalization: null,
    files: { svm: 'svm.json' },
    training: {
      dataset: { path: 'data.csv', sha256: null, rows: 10, tracks: 10 },
      split: { kind: 'folds', folds: 3, seed: 1 },
      counts: { train: 10, valid: 0, test: 0, fitted: 10 },
      params: {},
      seed: 1,
      durationMs: 1,
    },
    metrics: {},
    createdAt,
    code: { appVersion: '0.1.0', gitCommit: null },
  };
}

describe('model store', () => {
  it('lists shipped and user versions, activates, rolls back and removes', async () => {
    const tmp = makeTempDir();
    cleanup = tmp.cleanup;
    const shipped = join(tmp.dir, 'shipped');
    const user = join(tmp.dir, 'user');
    const store = new ModelStore({ userDir: user, shippedDir: shipped });
    expect(store.active('svm')).toBeNull();

    await store.save(manifest('default', '2025-01-01T00:00:00.000Z'), (dir) => writeFileSync(join(dir, 'svm.json'), '{}'), { root: shipped });
    expect(store.active('svm')?.manifest.version).toBe('default');
    expect(store.active('svm')?.source).toBe('shipped');

    const v1 = await store.save(manifest('mine-1', '2025-02-01T00:00:00.000Z'), (dir) => writeFileSync(join(dir, 'svm.json'), '{}'));
    expect(v1.active).toBe(true);
    await store.save(manifest('mine-2', '2025-03-01T00:00:00.000Z'), (dir) => writeFileSync(join(dir, 'svm.json'), '{}'));
    expect(store.list('svm').map((v) => [v.manifest.version, v.source, v.active])).toEqual([
      ['mine-2', 'user', true],
      ['mine-1', 'user', false],
      ['default', 'shipped', false],
    ]);
    expect(store.rollback('svm').manifest.version).toBe('mine-1');
    expect(store.rollback('svm').manifest.version).toBe('default');
    expect(() => store.rollback('svm')).toThrow(/nothing to roll back/);
    expect(store.setActive('svm', 'mine-2').active).toBe(true);
    store.remove('svm', 'mine-2');
    expect(store.active('svm')?.manifest.version).toBe('default');
    expect(() => store.remove('svm', 'default')).toThrow(/shipped default/);
  });

  it('never leaves a half-written version, and rejects invalid manifests', async () => {
    const tmp = makeTempDir();
    cleanup = tmp.cleanup;
    const store = new ModelStore({ userDir: tmp.dir });
    await expect(store.save(manifest('broken', '2025-01-01T00:00:00.000Z'), () => undefined)).rejects.toThrow(/svm file svm.json was not written/);
    await expect(
      store.save(manifest('failing', '2025-01-01T00:00:00.000Z'), () => {
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    expect(readdirSync(join(tmp.dir, 'svm'))).toEqual([]);
    await expect(store.save({ ...manifest('x', 'now'), labels: ['only-one'] }, () => undefined)).rejects.toThrow();
    mkdirSync(join(tmp.dir, 'svm', 'bad'), { recursive: true });
    writeFileSync(join(tmp.dir, 'svm', 'bad', 'manifest.json'), '{"kind":"svm"}');
    expect(() => store.list('svm')).toThrow(/not a valid model manifest/);
    expect(existsSync(join(tmp.dir, 'svm', 'broken'))).toBe(false);
  });
});
