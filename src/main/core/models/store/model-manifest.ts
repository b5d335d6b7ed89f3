import { z } from '../../../../shared/zod.ts';
import { modelKinds } from './model-kinds.ts';

export { modelKinds };
export type { ModelKind } from './model-kinds.ts';

export const aggregationNames = ['mean', 'geometric-mean', 'majority-vote'] as const;

const metricsSchema = z.object({
  n: z.number(),
  accuracy: z.number(),
  macroF1: z.number(),
  labels: z.array(z.string()),
  perClass: z.array(z.object({ label: z.string(), precision: z.number(), recall: z.number(), f1: z.number(), support: z.number() })),
  confusion: z.array(z.array(z.number())),
  logLoss: z.number().nullable(),
});

/** One model input: a named float tensor with its shape (-1 = batch) and how it is computed from audio. */
const inputSchema = z.object({
  name: z.string(),
  shape: z.array(z.number().int()),
  /** For feature vectors: the column names in order (Kaggle GTZAN names). */
  features: z.array(z.string()).optional(),
  /** How the tensor is made from audio: window length and hop in seconds, spectrogram settings … */
  window: z.object({ seconds: z.number(), hopSeconds: z.number() }).optional(),
  spectrogram: z
    .object({ sampleRate: z.number(), nFft: z.number(), hopLength: z.number(), melBands: z.number(), frames: z.number(), compression: z.string() })
    .optional(),
});

const normalizationSchema = z.object({ mean: z.array(z.number()), std: z.array(z.number()) });

export const modelManifestSchema = z.object({
  formatVersion: z.literal(1),
  kind: z.enum(modelKinds),
  /** Unique within its kind; also the folder name. */
  version: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/),
  architecture: z.string(),
  description: z.string().optional(),
  labels: z.array(z.string()).min(2),
  inputs: z.array(inputSchema),
  /** Segment/window probabilities -> track probabilities. */
  aggregation: z.enum(aggregationNames),
  /** Per input name: what is subtracted and divided before the model sees it (null when built into the weights). */
  normalization: z.record(z.string(), normalizationSchema).nullable(),
  /** Role -> file name inside the version folder (e.g. svm: svm.json, onnx: model.onnx, tfjs: tfjs/model.json). */
  files: z.record(z.string(), z.string()),
  /** For a version with an int8 file (files.onnxInt8): how it was made and how it compares with the float one. */
  quantization: z.record(z.string(), z.unknown()).optional(),
  training: z.object({
    dataset: z.object({ path: z.string(), sha256: z.string().nullable(), rows: z.number(), tracks: z.number() }),
    split: z.union([
      z.object({ kind: z.literal('files'), source: z.string() }),
      z.object({ kind: z.literal('folds'), folds: z.number(), seed: z.number() }),
    ]),
    /** Tracks in each part, and how many items (rows/segments) the final model was fitted on. */
    counts: z.object({ train: z.number(), valid: z.number(), test: z.number(), fitted: z.number() }),
    refit: z.string().optional(),
    params: z.record(z.string(), z.unknown()),
    seed: z.number(),
    durationMs: z.number(),
    runtime: z.string().optional(),
  }),
  metrics: z.object({
    valid: metricsSchema.optional(),
    test: metricsSchema.optional(),
    crossValidation: z.object({ folds: z.number(), meanAccuracy: z.number(), stdAccuracy: z.number(), pooled: metricsSchema }).optional(),
  }),
  createdAt: z.string(),
  code: z.object({ appVersion: z.string(), gitCommit: z.string().nullable() }),
});

export type ModelManifest = z.infer<typeof modelManifestSchema>;
export type ManifestMetrics = z.infer<typeof metricsSchema>;
