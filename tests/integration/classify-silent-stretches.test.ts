import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeModels } from '../../src/main/core/classify/active-models.ts';
import type { TrackClassification, TrackClassifier } from '../../src/main/core/classify/track-classifier.ts';
import { openTrackClassifier } from '../../src/main/core/classify/track-classifier.ts';
import { ModelStore } from '../../src/main/core/models/store/model-store.ts';
import { projectRoot } from '../../src/main/project-root.ts';
import { makeHiddenTrack } from '../helpers/hidden-track.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

// A hidden track: 60 s of digital silence, then a 30 s GTZAN clip. Silence gets a confident answer from every
// model, so the track's prediction must come from the segments (and SVM windows) that hear the music alone.
const tmp = makeTempDir();
let classifier: TrackClassifier;
let result: TrackClassification;
const silenceSeconds = 60;

beforeAll(async () => {
  const path = makeHiddenTrack(tmp.dir, silenceSeconds);
  const store = new ModelStore({ userDir: tmp.dir, shippedDir: join(projectRoot, 'models') });
  classifier = await openTrackClassifier(activeModels(store), { onnxThreads: 1 });
  result = await classifier.classify(path);
});
afterAll(async () => {
  await classifier?.close();
  tmp.cleanup();
});

/** The mean of the rows [n, k] whose start passes `keep`. */
function meanOf(probs: Float32Array, starts: Float32Array, k: number, keep: (start: number) => boolean): number[] {
  const out = new Array<number>(k).fill(0);
  let m = 0;
  starts.forEach((s, i) => {
    if (!keep(s)) return;
    m++;
    for (let c = 0; c < k; c++) out[c] += probs[i * k + c];
  });
  expect(m).toBeGreaterThan(0);
  return out.map((x) => x / m);
}

describe('silent stretches do not vote', () => {
  it('CNN and MLFI: the track is the mean of the segments that reach into the music', () => {
    for (const kind of ['cnn', 'mlfi'] as const) {
      const p = result.predictions.find((x) => x.kind === kind)!;
      const k = p.labels.length;
      const starts = p.segmentStarts;
      // Every segment keeps its own prediction (the genre strip shows the silence too).
      expect(starts.length).toBe(result.segmentCount);
      // Segments entirely inside the silence (with a frame of margin) are left out; the others are in.
      const inMusic = (s: number): boolean => s + 3 > silenceSeconds + 0.05;
      const expected = meanOf(p.segmentProbabilities, starts, k, inMusic);
      const all = meanOf(p.segmentProbabilities, starts, k, () => true);
      for (let c = 0; c < k; c++) expect(p.probabilities[c]).toBeCloseTo(expected[c], 5);
      // And that matters: the silent segments would have moved the answer.
      expect(Math.max(...all.map((a, c) => Math.abs(a - expected[c])))).toBeGreaterThan(0.05);
    }
  });

  it('SVM: the track is the mean of the 30 s windows that reach into the music', () => {
    const p = result.predictions.find((x) => x.kind === 'svm')!;
    const expected = meanOf(p.segmentProbabilities, p.segmentStarts, p.labels.length, (s) => s + 30 > silenceSeconds + 0.05);
    for (let c = 0; c < p.labels.length; c++) expect(p.probabilities[c]).toBeCloseTo(expected[c], 5);
    // Some windows lie wholly in the silence (they are kept, with their own prediction, but do not vote).
    expect(Array.from(p.segmentStarts).filter((s) => s + 30 <= silenceSeconds + 0.05).length).toBeGreaterThan(0);
  });

  it('the ensemble speaks for the music: metal', () => {
    expect(result.predictions[0].kind).toBe('ensemble');
    const e = result.predictions[0];
    expect(e.labels[e.probabilities.indexOf(Math.max(...e.probabilities))]).toBe('metal');
  });
});
