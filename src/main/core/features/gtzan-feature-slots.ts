import { GTZAN_MFCC_COUNT, gtzanFeatureIndex } from './gtzan-feature-names.ts';

/** Where one statistic's mean and variance sit in a GTZAN feature vector. */
export interface MeanVarSlot {
  readonly mean: number;
  readonly variance: number;
}

function indexOf(name: string): number {
  const i = gtzanFeatureIndex[name];
  if (i === undefined) throw new Error(`No GTZAN feature is named ${name}`);
  return i;
}

function meanVarSlot(statistic: string): MeanVarSlot {
  return { mean: indexOf(`${statistic}_mean`), variance: indexOf(`${statistic}_var`) };
}

/**
 * The positions of the GTZAN features in a feature vector, looked up by name (gtzanFeatureNames) once, for the code
 * that writes the vectors: each statistic's mean and variance, the tempo, and mfcc1 .. mfcc20 in order.
 */
export const gtzanFeatureSlots = {
  chroma: meanVarSlot('chroma_stft'),
  rms: meanVarSlot('rms'),
  spectralCentroid: meanVarSlot('spectral_centroid'),
  spectralBandwidth: meanVarSlot('spectral_bandwidth'),
  rolloff: meanVarSlot('rolloff'),
  zeroCrossingRate: meanVarSlot('zero_crossing_rate'),
  harmony: meanVarSlot('harmony'),
  perceptr: meanVarSlot('perceptr'),
  tempo: indexOf('tempo'),
  mfcc: Array.from({ length: GTZAN_MFCC_COUNT }, (_, i) => meanVarSlot(`mfcc${i + 1}`)) as readonly MeanVarSlot[],
} as const;
