import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SegmentModelRun } from '../../../src/main/core/models/inference/segment-model-run.ts';
import type { ModelSegment } from '../../../src/main/core/models/inference/model-input-sources.ts';
import { modelInputSources } from '../../../src/main/core/models/inference/model-input-sources.ts';
import { openSegmentClassifier } from '../../../src/main/core/models/segment-classifier.ts';
import { readManifest } from '../../../src/main/core/models/store/model-store.ts';
import { projectRoot } from '../../../src/main/project-root.ts';
import { SeededRandom } from '../../../src/main/core/random/seeded-random.ts';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Segments of random values shaped as the analysis engine makes them. */
function segments(n: number): ModelSegment[] {
  const r = new SeededRandom(7);
  const random = (): number => r.next();
  return Array.from({ length: n }, (_, i) => ({
    startSeconds: i * 1.5,
    features: Float32Array.from({ length: 57 }, () => random()),
    cnnInput: Float32Array.from({ length: 64 * 256 }, () => random() * 4),
    mlfiInput: Float32Array.from({ length: 128 * 130 }, () => random() * 80 - 80),
  }));
}

describe('a segment model over one track (the shipped CNN and MLFI on onnxruntime)', () => {
  for (const kind of ['cnn', 'mlfi']) {
    it(`${kind}: batches sent while the analysis works are run in the next turn of the event loop, and their buffers are reused`, async () => {
      const dir = join(projectRoot, 'models', kind, kind === 'cnn' ? 'gtzan-cnn' : 'gtzan-mlfi-two-way-b');
      const manifest = readManifest(dir);
      const classifier = await openSegmentClassifier({ manifest, dir, source: 'shipped', active: true }, { onnx: { threads: 1 } });
      const sources = modelInputSources(manifest);
      const input = segments(48);
      try {
        // as the analysis streams a track: four segments (two batches) per turn of the event loop
        const free: Float32Array[][] = [];
        const stream = async (): Promise<{ probabilities: Float32Array; starts: Float32Array }> => {
          const run = new SegmentModelRun(classifier, sources, 2, free);
          for (let i = 0; i < input.length; i++) {
            run.push(input[i]);
            if (i % 4 === 3) await turn();
          }
          return run.finish();
        };
        const streamed = await stream();
        // every batch's buffers came back; 24 batches went through a handful of buffer sets (each run only after
        // the one before had answered, one batch a turn, they took 24)
        expect(free.length).toBeGreaterThan(0);
        expect(free.length).toBeLessThanOrEqual(4);
        // the next track takes the same buffers and makes none
        const first = new Set(free.map((b) => b[0]));
        await stream();
        expect(free.every((b) => first.has(b[0]))).toBe(true);

        // the same probabilities as every segment alone, in order
        const alone = new SegmentModelRun(classifier, sources, 1);
        for (const s of input) alone.push(s);
        const reference = await alone.finish();
        expect(streamed.probabilities.length).toBe(48 * manifest.labels.length);
        expect(Array.from(streamed.starts)).toEqual(input.map((s) => s.startSeconds));
        for (let i = 0; i < streamed.probabilities.length; i++) expect(streamed.probabilities[i]).toBeCloseTo(reference.probabilities[i], 5);
      } finally {
        await classifier.close();
      }
    });
  }
});
