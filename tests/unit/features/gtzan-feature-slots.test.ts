import { describe, expect, it } from 'vitest';
import { GTZAN_FEATURE_COUNT, gtzanFeatureNames } from '../../../src/main/core/features/gtzan-feature-names.ts';
import { gtzanFeatureSlots } from '../../../src/main/core/features/gtzan-feature-slots.ts';

describe('GTZAN feature slots', () => {
  it('name the positions of the Kaggle columns, every one of the 57 exactly once', () => {
    const F = gtzanFeatureSlots;
    const named: [string, number][] = [
      ['chroma_stft_mean', F.chroma.mean],
      ['chroma_stft_var', F.chroma.variance],
      ['rms_mean', F.rms.mean],
      ['rms_var', F.rms.variance],
      ['spectral_centroid_mean', F.spectralCentroid.mean],
      ['spectral_centroid_var', F.spectralCentroid.variance],
      ['spectral_bandwidth_mean', F.spectralBandwidth.mean],
      ['spectral_bandwidth_var', F.spectralBandwidth.variance],
      ['rolloff_mean', F.rolloff.mean],
      ['rolloff_var', F.rolloff.variance],
      ['zero_crossing_rate_mean', F.zeroCrossingRate.mean],
      ['zero_crossing_rate_var', F.zeroCrossingRate.variance],
      ['harmony_mean', F.harmony.mean],
      ['harmony_var', F.harmony.variance],
      ['perceptr_mean', F.perceptr.mean],
      ['perceptr_var', F.perceptr.variance],
      ['tempo', F.tempo],
      ...F.mfcc.flatMap((s, i): [string, number][] => [
        [`mfcc${i + 1}_mean`, s.mean],
        [`mfcc${i + 1}_var`, s.variance],
      ]),
    ];
    for (const [name, index] of named) expect(gtzanFeatureNames[index], name).toBe(name);
    expect(named).toHaveLength(GTZAN_FEATURE_COUNT);
    expect(new Set(named.map(([, i]) => i)).size).toBe(GTZAN_FEATURE_COUNT);
  });
});
