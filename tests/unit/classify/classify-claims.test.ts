import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClassifyClaims } from '../../../src/main/core/db/classify-claims.ts';
import { countTracksToClassify, tracksToClassify } from '../../../src/main/core/db/classify-queue.ts';
import type { Database } from '../../../src/main/core/db/database.ts';
import { openDatabase } from '../../../src/main/core/db/database.ts';
import { PredictionWriter } from '../../../src/main/core/db/prediction-writer.ts';
import { refreshPersonalPredictions } from '../../../src/main/core/personal/refresh-personal-predictions.ts';
import { insertSyntheticTracks } from '../../helpers/synthetic-library.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

const labels = ['rock', 'jazz'];
const svm = { kind: 'svm', version: 'svm-1', architecture: 'rbf-svm', labels };
const scope = { models: [svm], engineVersion: 'e1' };

/** A process id that no running process has: a child that has exited. */
function goneProcessId(): number {
  const child = spawnSync(process.execPath, ['-e', '0']);
  return child.pid!;
}

describe('claims on the tracks a classification listens to (two connections to one library file, as two processes)', () => {
  const tmp = makeTempDir();
  let here: Database;
  let there: Database;
  let ids: number[];

  beforeEach(() => {
    const file = join(tmp.dir, `lib-${Math.random().toString(36).slice(2)}.sqlite`);
    here = openDatabase(file);
    insertSyntheticTracks(here, '/music', ['a', 'b', 'c'].map((n) => ({ path: `/music/${n}.mp3` })));
    ids = here.prepare('SELECT id FROM tracks ORDER BY path').pluck().all() as number[];
    there = openDatabase(file);
  });
  afterEach(() => {
    here.close();
    there.close();
  });
  afterAll(() => tmp.cleanup());

  it('gives a track to one job only; the other learns whether it is held or already done', () => {
    const [a, b] = ids;
    const mine = new ClassifyClaims(here, scope, { pid: 1_000_001 });
    const theirs = new ClassifyClaims(there, scope, { pid: 1_000_002 });
    expect(mine.claim(a)).toBe('claimed');
    expect(theirs.claim(a)).toBe('held-elsewhere');
    // a job claims again what it holds (nothing changes)
    expect(mine.claim(a)).toBe('claimed');
    // the other job's list, and the app's count of what is left to classify, leave out what is held now
    expect(tracksToClassify(there, scope).map((t) => t.trackId)).toEqual([b, ids[2]]);
    expect(countTracksToClassify(there, scope)).toBe(2);

    // the result is stored and the claim dropped: the track needs nothing more, so no one claims it again
    new PredictionWriter(here, { engineVersion: 'e1', models: [svm], refreshPersonalPredictions }).write([
      {
        trackId: a, contentVersion: 1, elapsedMs: 5, status: 'ok', durationSeconds: 4.5, segmentCount: 1,
        clip: { startSeconds: 0, seconds: 4.5, features: new Float32Array(57) },
        predictions: [{ ...svm, probabilities: [0.6, 0.4], segmentSeconds: 3, segmentStarts: [0], segmentProbabilities: [0.6, 0.4] }],
        embedding: { columns: ['clip.tempo'], values: [120] },
      },
    ]);
    mine.release([a]);
    expect(theirs.claim(a)).toBe('done-elsewhere');
    expect(here.prepare('SELECT count(*) FROM classify_claims').pluck().get()).toBe(0);
  });

  it('with force, leaves a track to the other forced job that analysed it after this job started', () => {
    const [a, b] = ids;
    const store = (db: Database, trackId: number, at: number): void => {
      new PredictionWriter(db, { engineVersion: 'e1', models: [svm], refreshPersonalPredictions, now: () => at }).write([
        {
          trackId, contentVersion: 1, elapsedMs: 5, status: 'ok', durationSeconds: 4.5, segmentCount: 1,
          clip: { startSeconds: 0, seconds: 4.5, features: new Float32Array(57) },
          predictions: [{ ...svm, probabilities: [0.6, 0.4], segmentSeconds: 3, segmentStarts: [0], segmentProbabilities: [0.6, 0.4] }],
          embedding: { columns: ['clip.tempo'], values: [120] },
        },
      ]);
    };
    store(here, a, 1_000);
    store(here, b, 1_000);
    const forced = { ...scope, force: true };
    const mine = new ClassifyClaims(here, forced, { pid: 1_000_001, now: () => 5_000 });
    // analysed before this job started: listened to again
    expect(mine.claim(a)).toBe('claimed');
    // analysed by another forced job after this one started
    store(there, b, 6_000);
    expect(mine.claim(b)).toBe('done-elsewhere');
  });

  it('takes over a claim that expired, and drops every claim of a job that ends', () => {
    const [a, b, c] = ids;
    let clock = 1_000_000;
    const now = (): number => clock;
    const stalled = new ClassifyClaims(here, scope, { pid: 1_000_001, ttlMs: 60_000, now });
    const other = new ClassifyClaims(there, scope, { pid: 1_000_002, ttlMs: 60_000, now });
    expect(stalled.claim(a)).toBe('claimed');
    expect(stalled.claim(b)).toBe('claimed');
    clock += 50_000;
    stalled.renew();
    clock += 50_000;
    // renewed 50 s ago with a 60 s lifetime: still held
    expect(other.claim(a)).toBe('held-elsewhere');
    clock += 11_000;
    expect(other.claim(a)).toBe('claimed');
    expect(stalled.claim(a)).toBe('held-elsewhere');
    expect(other.claim(c)).toBe('claimed');
    other.releaseAll();
    const left = here.prepare('SELECT track_id FROM classify_claims ORDER BY track_id').pluck().all();
    expect(left).toEqual([b]);
    expect(stalled.renewEveryMs).toBe(20_000);
  });

  it('drops, as a job starts, the claims of its own process before it and of processes on this machine that are gone', () => {
    const [a, b, c] = ids;
    const gone = goneProcessId();
    new ClassifyClaims(there, scope, { pid: gone }).claim(a);
    // a live process (this test's parent, say) keeps its claim; another machine's process cannot be asked
    new ClassifyClaims(there, scope, { pid: process.ppid }).claim(b);
    new ClassifyClaims(there, scope, { pid: gone, host: 'elsewhere.example' }).claim(c);
    const count = (): number => here.prepare('SELECT count(*) FROM classify_claims').pluck().get() as number;
    expect(count()).toBe(3);

    new ClassifyClaims(here, scope).dropLeftOver();
    expect(here.prepare('SELECT track_id FROM classify_claims ORDER BY track_id').pluck().all()).toEqual([b, c]);
    // the process's own job before this one (say its thread was terminated) left b: the next job drops it
    new ClassifyClaims(there, scope, { pid: process.pid }).claim(a);
    new ClassifyClaims(here, scope, { pid: process.ppid }).dropLeftOver();
    expect(here.prepare('SELECT track_id FROM classify_claims ORDER BY track_id').pluck().all()).toEqual([a, c]);
  });
});
