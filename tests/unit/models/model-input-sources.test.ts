import { describe, expect, it } from 'vitest';
import { copySegmentInput, modelInputSources } from '../../../src/main/core/models/inference/model-input-sources.ts';
import { gtzanFeatureIndex } from '../../../src/main/core/features/index.ts';
import type { SegmentAnalysis } from '../../../src/main/core/features/index.ts';
import { mlfiFeatureNames } from '../../../src/main/core/models/feature-columns.ts';
import type { ModelManifest } from '../../../src/main/core/models/store/model-manifest.ts';

function manifest(inputs: ModelManifest['inputs']): ModelManifest {
  return { kind: 'mlfi', version: 'v', inputs } as ModelManifest;
}

describe('model inputs from the analysis engine\'s segments', () => {
  it('maps spectrogram inputs by their geometry and feature inputs by their column names', () => {
    const sources = modelInputSources(
      manifest([
        { name: 'melspec', shape: [-1, 128, 130, 1] },
        { name: 'features', shape: [-1, 55], features: [...mlfiFeatureNames] },
        { name: 'cnn', shape: [-1, 64, 256, 1], spectrogram: { sampleRate: 22050, nFft: 512, hopLength: 256, melBands: 64, frames: 256, compression: 'ln(1+10000*mel)' } },
        { name: 'unnamed', shape: [-1, 55] },
      ]),
    );
    expect(sources.map((s) => [s.name, s.part, s.size])).toEqual([
      ['melspec', 'mlfi', 128 * 130],
      ['features', 'features', 55],
      ['cnn', 'cnn', 64 * 256],
      ['unnamed', 'features', 55],
    ]);
    expect(sources[1].columns).toEqual(mlfiFeatureNames.map((n) => gtzanFeatureIndex[n]));
    expect(sources[1].columns).not.toContain(gtzanFeatureIndex.harmony_mean);

    const segment = {
      index: 0, startSeconds: 0, padded: false,
      features: Float32Array.from({ length: 57 }, (_, i) => i),
      cnnInput: new Float32Array(64 * 256).fill(2),
      mlfiInput: new Float32Array(128 * 130).fill(3),
    } satisfies SegmentAnalysis;
    const out = new Float32Array(60);
    copySegmentInput(segment, sources[1], out, 5);
    expect(Array.from(out.subarray(5))).toEqual(sources[1].columns);
  });

  it('refuses inputs the engine does not compute, saying which', () => {
    expect(() => modelInputSources(manifest([{ name: 'melspec', shape: [-1, 96, 187, 1] }]))).toThrow(/melspec \[-1, 96, 187, 1\] is not a spectrogram the analysis engine computes/);
    expect(() => modelInputSources(manifest([{ name: 'melspec', shape: [-1, 64, 256, 1], spectrogram: { sampleRate: 22050, nFft: 1024, hopLength: 256, melBands: 64, frames: 256, compression: 'ln' } }]))).toThrow(/not a spectrogram/);
    expect(() => modelInputSources(manifest([{ name: 'f', shape: [-1, 2], features: ['tempo', 'loudness'] }]))).toThrow(/unknown feature loudness/);
    expect(() => modelInputSources(manifest([{ name: 'x', shape: [-1, 7] }]))).toThrow(/cannot tell how to compute its input x/);
  });
});
