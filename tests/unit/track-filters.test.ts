import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/main/core/db/database.ts';
import { openDatabase } from '../../src/main/core/db/database.ts';
import { writeUnsureThreshold } from '../../src/main/core/db/library-settings.ts';
import { setLabels } from '../../src/main/core/db/track-labels.ts';
import { TrackQueryCache, trackWhere } from '../../src/main/core/db/track-query.ts';
import type { TrackFilter } from '../../src/shared/api/library.ts';
import { trackFilterSchema } from '../../src/shared/api/library.ts';
import { insertSyntheticTracks } from '../helpers/synthetic-library.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

/** The review filters of the library view: labelled or not, unsure, confidence below X, models disagree. */
describe('library filters for reviewing', () => {
  const tmp = makeTempDir();
  let db: Database;
  let q: TrackQueryCache;
  const titles = (filter: TrackFilter): string[] => q.page({ ...filter, sort: 'title', limit: 1000 }).rows.map((r) => r.title!);
  /** The same filter as SQL (tag writes select with it): must give the same tracks. */
  const titlesBySql = (filter: TrackFilter, threshold = 0.5): string[] => {
    const w = trackWhere(trackFilterSchema.parse(filter), threshold);
    return (db.prepare(`SELECT title FROM tracks ${w.sql}`).pluck().all(...w.params) as string[]).sort();
  };
  const prediction = (trackId: number, kind: string, top: string): void => {
    db.prepare(`INSERT INTO predictions (track_id, model_kind, model_version, content_version, probabilities, segment_count,
      segment_seconds, segment_starts, segment_probabilities, top_genre, confidence, predicted_at)
      VALUES (?, ?, 'v1', 1, x'', 0, 3, x'', x'', ?, 0.5, 0)`).run(trackId, kind, top);
  };

  beforeAll(() => {
    db = openDatabase(join(tmp.dir, 'f.sqlite'));
    q = new TrackQueryCache(db);
    insertSyntheticTracks(db, '/m', [
      { path: '/m/1.mp3', title: 'A sure jazz', predicted: 'jazz', confidence: 0.92 },
      { path: '/m/2.mp3', title: 'B guess rock', predicted: 'rock', confidence: 0.31 },
      { path: '/m/3.mp3', title: 'C middling pop', predicted: 'pop', confidence: 0.55 },
      { path: '/m/4.mp3', title: 'D not classified' },
      { path: '/m/5.mp3', title: 'E guess jazz', predicted: 'jazz', confidence: 0.2 },
    ]);
    for (const kind of ['ensemble', 'cnn', 'mlfi', 'svm']) db.prepare("INSERT INTO model_versions VALUES (?, 'v1', 'x', '[]', 0)").run(kind);
    // A: every base model says jazz (the ensemble agrees); B: the CNN says rock, the SVM metal; E: only one base model.
    for (const kind of ['ensemble', 'cnn', 'mlfi', 'svm']) prediction(1, kind, 'jazz');
    prediction(2, 'ensemble', 'rock');
    prediction(2, 'cnn', 'rock');
    prediction(2, 'svm', 'metal');
    prediction(3, 'ensemble', 'blues'); // the ensemble differs from its one base model: not a disagreement of base models
    prediction(3, 'cnn', 'pop');
    prediction(5, 'cnn', 'jazz');
    setLabels(db, [1], ['Jazz'], 'accepted');
    setLabels(db, [2], ['Post-Rock'], 'corrected');
  });
  afterAll(() => {
    db.close();
    tmp.cleanup();
  });

  it('labelled and unlabelled split the library', () => {
    expect(titles({ labelled: true })).toEqual(['A sure jazz', 'B guess rock']);
    expect(titles({ labelled: false })).toEqual(['C middling pop', 'D not classified', 'E guess jazz']);
  });

  it('unsure follows the library threshold, and tracks without a prediction are not unsure', () => {
    expect(titles({ unsure: true })).toEqual(['B guess rock', 'E guess jazz']);
    writeUnsureThreshold(db, 0.6);
    expect(titles({ unsure: true })).toEqual(['B guess rock', 'C middling pop', 'E guess jazz']);
    writeUnsureThreshold(db, 0.5);
    expect(titles({ unsure: true })).toEqual(['B guess rock', 'E guess jazz']);
  });

  it('confidence below X is strict and combines with a least confidence', () => {
    expect(titles({ maxConfidence: 0.55 })).toEqual(['B guess rock', 'E guess jazz']);
    expect(titles({ maxConfidence: 0.6, minConfidence: 0.3 })).toEqual(['B guess rock', 'C middling pop']);
  });

  it('models disagree: the base models name different top genres (the ensemble does not count)', () => {
    expect(titles({ disagree: true })).toEqual(['B guess rock']);
  });

  it('filters combine with each other, with the predicted genre and with search', () => {
    expect(titles({ unsure: true, labelled: false })).toEqual(['E guess jazz']);
    expect(titles({ predicted: 'jazz', unsure: true })).toEqual(['E guess jazz']);
    expect(titles({ search: 'guess', labelled: true })).toEqual(['B guess rock']);
    expect(titles({ disagree: true, labelled: false })).toEqual([]);
  });

  it('selects the same tracks in SQL as the table (what tag writes by filter use)', () => {
    const filters: TrackFilter[] = [
      { labelled: true }, { labelled: false }, { unsure: true }, { maxConfidence: 0.6 }, { disagree: true },
      { predicted: 'jazz', minConfidence: 0.5 }, { search: 'guess', unsure: true, labelled: false },
    ];
    for (const f of filters) expect(titlesBySql(f), JSON.stringify(f)).toEqual(titles(f));
  });

  it('sees a new label at once (the cached ids follow the database)', () => {
    expect(titles({ labelled: false })).toContain('C middling pop');
    setLabels(db, [3], ['Pop'], 'accepted');
    expect(titles({ labelled: false })).toEqual(['D not classified', 'E guess jazz']);
  });

  it('rejects a filter it does not know', () => {
    expect(() => q.page({ unlabelled: true } as unknown as TrackFilter)).toThrow();
  });
});
