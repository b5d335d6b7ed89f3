import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ActiveModel } from '../../../src/main/core/classify/active-models.ts';
import { byPreference } from '../../../src/main/core/classify/active-models.ts';
import { ensembleMembers } from '../../../src/main/core/models/ensemble/ensemble-members.ts';
import { ensemblePrediction } from '../../../src/main/core/models/ensemble/ensemble-prediction.ts';
import type { TrackModelPrediction } from '../../../src/main/core/models/inference/track-model-prediction.ts';
import { ensembleMemberKinds } from '../../../src/main/core/models/kinds/registry.ts';
import type { ModelManifest } from '../../../src/main/core/models/store/model-manifest.ts';

const labels = ['x', 'y'];

function model(kind: ActiveModel['kind'], params: Record<string, unknown> = {}, extra: Partial<ModelManifest> = {}, dir = '/nowhere'): ActiveModel {
  const manifest = {
    formatVersion: 1, kind, version: `${kind}-1`, architecture: kind, labels, inputs: [], aggregation: 'mean', normalization: null, files: {},
    training: { dataset: { path: '', sha256: null, rows: 0, tracks: 0 }, split: { kind: 'folds', folds: 10, seed: 1 }, counts: { train: 0, valid: 0, test: 0, fitted: 0 }, params, seed: 1, durationMs: 0 },
    metrics: {}, createdAt: '2026-01-01T00:00:00Z', code: { appVersion: 't', gitCommit: null }, ...extra,
  } as ModelManifest;
  return { kind, version: manifest.version, dir, manifest };
}

function prediction(kind: TrackModelPrediction['kind'], track: number[], seconds: number, starts: number[], rows: number[]): TrackModelPrediction {
  return { kind, version: `${kind}-1`, dir: '/nowhere', labels, track: Float64Array.from(Float32Array.from(track)), segmentSeconds: seconds, segmentStarts: Float32Array.from(starts), segmentProbabilities: Float32Array.from(rows) };
}

const membersOf = (ens: ActiveModel): ReturnType<typeof ensembleMembers> => ensembleMembers(ens, ensembleMemberKinds);

/** Each member with the prediction of its kind among `predictions`, as the app binds them. */
const bound = (members: { kind: string; weight: number }[], predictions: TrackModelPrediction[]) =>
  members.map((m) => ({ weight: m.weight, prediction: predictions.find((p) => p.kind === m.kind) }));

describe('ensemble', () => {
  it('reads its members and weights in each accepted form', () => {
    expect(membersOf(model('ensemble', { weights: { svm: 0.2, cnn: 0.8 } }))).toEqual([
      { kind: 'svm', version: null, weight: 0.2 },
      { kind: 'cnn', version: null, weight: 0.8 },
    ]);
    expect(membersOf(model('ensemble', { weights: [0.5, 0.5], members: ['mlfi', 'svm'] })).map((m) => m.kind)).toEqual(['mlfi', 'svm']);
    const dir = mkdtempSync(join(tmpdir(), 'ens-'));
    try {
      writeFileSync(join(dir, 'ensemble.json'), JSON.stringify({ members: [{ kind: 'cnn', version: 'cnn-7', weight: 1 }] }));
      expect(membersOf(model('ensemble', {}, { files: { ensemble: 'ensemble.json' } }, dir))).toEqual([{ kind: 'cnn', version: 'cnn-7', weight: 1 }]);
    } finally {
      rmSync(dir, { recursive: true });
    }
    expect(() => membersOf(model('ensemble', {}))).toThrow(/does not say which models/);
    expect(() => membersOf(model('ensemble', { weights: { svm: 0 } }))).toThrow(/zero/);
    expect(() => membersOf(model('ensemble', { weights: { rnn: 1 } }))).toThrow(/svm, cnn or mlfi/);
  });

  it('is the weighted mean of the members present, on the finest segment grid', () => {
    const ens = model('ensemble');
    const members = [
      { kind: 'svm' as const, version: null, weight: 1 },
      { kind: 'cnn' as const, version: null, weight: 3 },
      { kind: 'mlfi' as const, version: null, weight: 4 }, // not active: left out, the rest renormalised
    ];
    const svm = prediction('svm', [0.2, 0.8], 30, [0, 15], [0.4, 0.6, 0.0, 1.0]);
    const cnn = prediction('cnn', [0.6, 0.4], 3, [0, 1.5, 27, 43], [1, 0, 0.5, 0.5, 0, 1, 0.2, 0.8]);
    const p = ensemblePrediction(ens, bound(members, [svm, cnn]))!;
    expect(p.kind).toBe('ensemble');
    expect(Array.from(Float32Array.from(p.track))).toEqual([0.25 * 0.2 + 0.75 * 0.6, 0.25 * 0.8 + 0.75 * 0.4].map(Math.fround));
    expect(Array.from(p.segmentStarts)).toEqual([0, 1.5, 27, 43]);
    // Segment at 1.5-4.5 (centre 3): only the first SVM window covers it. At 27-30 (centre 28.5) both windows do.
    // At 43-46 (centre 44.5) only the second.
    const expected = [
      [0.25 * 0.4 + 0.75 * 1, 0.25 * 0.6 + 0.75 * 0],
      [0.25 * 0.4 + 0.75 * 0.5, 0.25 * 0.6 + 0.75 * 0.5],
      [0.25 * 0.2 + 0.75 * 0, 0.25 * 0.8 + 0.75 * 1],
      [0.25 * 0 + 0.75 * 0.2, 0.25 * 1 + 0.75 * 0.8],
    ];
    expected.flat().forEach((v, i) => expect(p.segmentProbabilities[i]).toBeCloseTo(v, 6));
    expect(ensemblePrediction(ens, bound(members, []))).toBeNull();
  });

  it('orders models: the ensemble first, then by reported accuracy', () => {
    const acc = (a: number) => ({ metrics: { test: { n: 10, accuracy: a, macroF1: a, labels, perClass: [], confusion: [], logLoss: null } } });
    const ordered = byPreference([model('svm', {}, acc(0.5)), model('mlfi'), model('cnn', {}, acc(0.7)), model('ensemble')]);
    expect(ordered.map((m) => m.kind)).toEqual(['ensemble', 'cnn', 'svm', 'mlfi']);
  });
});
