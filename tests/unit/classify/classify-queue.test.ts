import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { countTracksToClassify, tracksToClassify } from '../../../src/main/core/db/classify-queue.ts';
import type { Database } from '../../../src/main/core/db/database.ts';
import { openDatabase } from '../../../src/main/core/db/database.ts';
import type { AnalysisOutcome, PredictionRecord } from '../../../src/main/core/db/prediction-writer.ts';
import { PredictionWriter } from '../../../src/main/core/db/prediction-writer.ts';
import { refreshPersonalPredictions } from '../../../src/main/core/personal/refresh-personal-predictions.ts';
import { insertSyntheticTracks } from '../../helpers/synthetic-library.ts';

const labels = ['rock', 'jazz'];
const svm1 = { kind: 'svm', version: 'svm-1', architecture: 'rbf-svm', labels };
const cnn1 = { kind: 'cnn', version: 'cnn-1', architecture: 'dong-cnn', labels };

function prediction(m: { kind: string; version: string }, p: number[]): PredictionRecord {
  return { kind: m.kind, version: m.version, labels, probabilities: p, segmentSeconds: 3, segmentStarts: [0, 1.5], segmentProbabilities: [...p, ...p] };
}

function ok(trackId: number, contentVersion: number, predictions: PredictionRecord[]): AnalysisOutcome {
  return {
    trackId, contentVersion, elapsedMs: 5, status: 'ok', durationSeconds: 4.5, segmentCount: 2,
    clip: { startSeconds: 0, seconds: 4.5, features: new Float32Array(57) }, predictions, embedding: { columns: ['clip.tempo'], values: [120] },
  };
}

describe('which tracks need classifying, and the writer', () => {
  let db: Database;
  let ids: number[];
  const todo = (models: { kind: string; version: string }[] = [svm1], engineVersion = 'e1', extra = {}) => tracksToClassify(db, { models, engineVersion, ...extra }).map((t) => t.trackId);

  beforeEach(() => {
    db = openDatabase(':memory:');
    insertSyntheticTracks(db, '/music', [{ path: '/music/a.mp3' }, { path: '/music/b.mp3' }, { path: '/music/c.mp3', status: 'missing' }]);
    insertSyntheticTracks(db, '/other', [{ path: '/other/d.mp3' }]);
    ids = db.prepare('SELECT id FROM tracks ORDER BY path').pluck().all() as number[];
  });
  afterEach(() => db.close());

  it('lists readable tracks never analysed, in path order, within the scope asked for', () => {
    const [a, b, , d] = ids;
    expect(todo()).toEqual([a, b, d]);
    const root = db.prepare(`SELECT id FROM roots WHERE path = '/other'`).pluck().get() as number;
    expect(todo([svm1], 'e1', { rootIds: [root] })).toEqual([d]);
    expect(todo([svm1], 'e1', { trackIds: [b, d] })).toEqual([b, d]);
    expect(countTracksToClassify(db, { models: [svm1], engineVersion: 'e1' })).toBe(3);
  });

  it('skips tracks with a current analysis and a prediction from every active version; lists them again when that changes', () => {
    const [a, b] = ids;
    const writer = new PredictionWriter(db, { engineVersion: 'e1', models: [svm1], refreshPersonalPredictions });
    writer.write([ok(a, 1, [prediction(svm1, [0.7, 0.3])])]);
    expect(todo()).not.toContain(a);
    expect(todo([svm1], 'e1', { force: true })).toContain(a);
    // A new model kind, or another version of one, has no prediction yet.
    expect(todo([svm1, cnn1])).toContain(a);
    expect(todo([{ kind: 'svm', version: 'svm-2' }])).toContain(a);
    // The audio changed (the scanner bumps content_version).
    db.prepare('UPDATE tracks SET content_version = 2 WHERE id = ?').run(a);
    expect(todo()).toContain(a);
    expect(todo()).toContain(b);
  });

  it('keeps a file that failed to decode out until the scan reads it again; retries our own failures when the engine changes', () => {
    const [a, b] = ids;
    const writer = new PredictionWriter(db, { engineVersion: 'e1', models: [svm1], refreshPersonalPredictions });
    writer.write([
      { trackId: a, contentVersion: 1, elapsedMs: 1, status: 'error', code: 'truncated', message: 'Cannot decode the audio: cut short', unreadable: true },
      { trackId: b, contentVersion: 1, elapsedMs: 1, status: 'error', code: 'analysis-failed', message: 'Analysis failed: bug', unreadable: false },
    ]);
    expect(db.prepare('SELECT status, error FROM tracks WHERE id = ?').get(a)).toEqual({ status: 'error', error: 'Cannot decode the audio: cut short' });
    expect(db.prepare('SELECT status FROM tracks WHERE id = ?').pluck().get(b)).toBe('ok');
    expect(todo()).toEqual([ids[3]]);
    expect(todo([svm1], 'e2')).toEqual([b, ids[3]]);
    db.prepare(`UPDATE tracks SET status = 'ok', error = NULL WHERE id = ?`).run(a);
    expect(todo()).toEqual([a, ids[3]]);
  });

  it('writes the preferred model as the table prediction, skips deleted tracks, and leaves a track whose audio changed meanwhile', () => {
    const [a, b, , d] = ids;
    const writer = new PredictionWriter(db, { engineVersion: 'e1', models: [cnn1, svm1], refreshPersonalPredictions });
    db.prepare('DELETE FROM tracks WHERE id = ?').run(d);
    db.prepare('UPDATE tracks SET content_version = 3 WHERE id = ?').run(b);
    const counts = writer.write([
      ok(a, 1, [prediction(svm1, [0.9, 0.1]), prediction(cnn1, [0.2, 0.8])]),
      ok(b, 1, [prediction(svm1, [0.6, 0.4])]),
      ok(d, 1, [prediction(svm1, [0.6, 0.4])]),
    ]);
    expect(counts).toEqual({ written: 2, gone: 1 });
    expect(db.prepare('SELECT predicted_genre, predicted_confidence FROM tracks WHERE id = ?').get(a)).toEqual({ predicted_genre: 'jazz', predicted_confidence: expect.closeTo(0.8, 6) });
    expect(db.prepare('SELECT predicted_genre FROM tracks WHERE id = ?').pluck().get(b)).toBeNull();
    expect(db.prepare('SELECT count(*) FROM track_analyses WHERE track_id = ?').pluck().get(d)).toBe(0);
    // b's analysis is for the old content, so it is due again.
    expect(todo([cnn1, svm1])).toEqual([b]);
    expect(db.prepare('SELECT kind, version, labels_json FROM model_versions ORDER BY kind').all()).toEqual([
      { kind: 'cnn', version: 'cnn-1', labels_json: '["rock","jazz"]' },
      { kind: 'svm', version: 'svm-1', labels_json: '["rock","jazz"]' },
    ]);
  });
});
