/** MFCCs in the GTZAN feature set (mfcc1 .. mfcc20). */
export const GTZAN_MFCC_COUNT = 20;

/** The 57 GTZAN features in the column order of the Kaggle table (features_30_sec.csv / features_3_sec.csv). */
export const gtzanFeatureNames = [
  'chroma_stft_mean',
  'chroma_stft_var',
  'rms_mean',
  'rms_var',
  'spectral_centroid_mean',
  'spectral_centroid_var',
  'spectral_bandwidth_mean',
  'spectral_bandwidth_var',
  'rolloff_mean',
  'rolloff_var',
  'zero_crossing_rate_mean',
  'zero_crossing_rate_var',
  'harmony_mean',
  'harmony_var',
  'perceptr_mean',
  'perceptr_var',
  'tempo',
  ...Array.from({ length: GTZAN_MFCC_COUNT }, (_, i) => [`mfcc${i + 1}_mean`, `mfcc${i + 1}_var`]).flat(),
] as const;

export type GtzanFeatureName = (typeof gtzanFeatureNames)[number];

export const GTZAN_FEATURE_COUNT = 57;

/** Index of each name in a feature vector. */
export const gtzanFeatureIndex: Readonly<Record<string, number>> = Object.fromEntries(gtzanFeatureNames.map((n, i) => [n, i]));

/** A feature vector as a name -> value object (for JSON output). */
export function featureRecord(values: Float32Array): Record<GtzanFeatureName, number> {
  return Object.fromEntries(gtzanFeatureNames.map((n, i) => [n, values[i]])) as Record<GtzanFeatureName, number>;
}
