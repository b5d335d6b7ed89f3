import { cnnInputConversion } from './cnn/cnn-input-compression.ts';
import { gtzanFeatureNames, mlfiFeatureNames, selectFeatureColumns } from './feature-columns.ts';
import { aggregateAudible } from './aggregation/audible-rows.ts';
import type { Aggregation } from './aggregation/segment-aggregation.ts';
import { combineProbabilities } from './ensemble/weighted-ensemble.ts';
import type { ResolvedEnsembleMember } from './ensemble/ensemble-model.ts';
import { loadEnsembleModel, resolveEnsembleMembers } from './ensemble/ensemble-model.ts';
import type { OnnxSessionOptions } from './runtime/onnx-session.ts';
import type { SegmentClassifier } from './segment-classifier.ts';
import { openSegmentClassifier } from './segment-classifier.ts';
import type { ModelKind } from './store/model-manifest.ts';
import type { ModelStore, ModelVersion } from './store/model-store.ts';
import { loadSvmModel } from './store/load-svm-model.ts';
import type { SvmPipeline } from './svm/svm-pipeline.ts';
import { svmTrackProbabilities } from './svm/svm-track-probabilities.ts';
import type { TensorData } from './tensor-data.ts';

const gtzanFeatureCount = 57;
const rmsColumn = gtzanFeatureNames.indexOf('rms_mean');
const cnnShape = [64, 256] as const;
const mlfiShape = [128, 130] as const;

/** What the models need from one analysed 3 s segment (SegmentAnalysis from the analysis engine has these). */
export interface SegmentInputsOfTrack {
  /** 64 x 256 band-major ln(1 + 10^4 mel) */
  cnnInput: Float32Array;
  /** 128 x 130 band-major dB mel */
  mlfiInput: Float32Array;
  /** The 57 GTZAN features (gtzanFeatureNames order) */
  features: Float32Array;
}

/** What the models need from one analysed track: its segments and the 57 features of its SVM windows [w, 57]. */
export interface TrackInputs {
  segments: readonly SegmentInputsOfTrack[];
  /** As the app computes them (windowPlan + windowFeatures in svm-window-features.ts): for a track of at most 31.5 s, [1, 57] = TrackAnalysis.clip.features. */
  svmWindows: TensorData;
}

function stack(parts: readonly Float32Array[], size: number, what: string): Float32Array {
  const out = new Float32Array(parts.length * size);
  parts.forEach((p, i) => {
    if (p.length !== size) throw new Error(`${what} of segment ${i} holds ${p.length} values, expected ${size}`);
    out.set(p, i * size);
  });
  return out;
}

/** The CNN's input for every segment of a track: { melspec: [n, 64, 256, 1] } (converted for versions trained on another compression). */
export function cnnSegmentBatch(segments: readonly SegmentInputsOfTrack[], convert: ((engine: Float32Array) => Float32Array) | null = null): Record<string, TensorData> {
  const size = cnnShape[0] * cnnShape[1];
  const parts = segments.map((s) => (convert ? convert(s.cnnInput) : s.cnnInput));
  return { melspec: { data: stack(parts, size, 'cnnInput'), shape: [segments.length, cnnShape[0], cnnShape[1], 1] } };
}

/** The MLFI's inputs for every segment: { melspec: [n, 128, 130, 1], features: [n, 55] } (55 of the 57 features). */
export function mlfiSegmentBatch(segments: readonly SegmentInputsOfTrack[], featureNames: readonly string[]): Record<string, TensorData> {
  const size = mlfiShape[0] * mlfiShape[1];
  const all = stack(segments.map((s) => s.features), gtzanFeatureCount, 'features');
  return {
    melspec: { data: stack(segments.map((s) => s.mlfiInput), size, 'mlfiInput'), shape: [segments.length, mlfiShape[0], mlfiShape[1], 1] },
    features: { data: selectFeatureColumns(all, featureNames, mlfiFeatureNames), shape: [segments.length, mlfiFeatureNames.length] },
  };
}

/** One model's answer for a track. */
export interface ModelPrediction {
  kind: ModelKind;
  version: string;
  /** Track probabilities [k] in `labels` order. */
  track: Float64Array;
  /** CNN / MLFI: per-segment probabilities [n, k]; SVM: per-window [w, k]. Absent for the ensemble. */
  parts?: Float32Array | Float64Array;
  /** Ensemble: the weight of each member. */
  weights?: Partial<Record<ModelKind, number>>;
}

export interface TrackClassifiers {
  labels: string[];
  /** The versions in use, by kind (for storing predictions with their model version). */
  versions: Partial<Record<ModelKind, ModelVersion>>;
  /** Ensemble members that had to be replaced by the active version of their kind. */
  substitutedMembers: string[];
  classify(inputs: TrackInputs): Promise<Partial<Record<ModelKind, ModelPrediction>>>;
  close(): Promise<void>;
}

/**
 * Opens the ACTIVE version of each requested kind (default all four; or the given versions) for inference: CNN and MLFI on onnxruntime
 * (or tfjs), the SVM in TypeScript, the ensemble over its members' track probabilities. One `classify(inputs)`
 * per track, with the analysis engine's segments and the SVM window features. Kinds without an installed version
 * are skipped (not in `versions`).
 */
export async function openTrackClassifiers(
  store: ModelStore,
  options: {
    kinds?: readonly ModelKind[];
    /** Use these versions instead of the active ones (their kinds are added to `kinds`). */
    versions?: Partial<Record<ModelKind, ModelVersion>>;
    runtime?: 'onnx' | 'tfjs';
    onnx?: OnnxSessionOptions;
    /** Override each manifest's segment aggregation. */
    aggregation?: Aggregation;
  } = {},
): Promise<TrackClassifiers> {
  const kinds = options.kinds ?? (options.versions ? [] : (['cnn', 'mlfi', 'svm', 'ensemble'] as const));
  const versions: Partial<Record<ModelKind, ModelVersion>> = { ...options.versions };
  for (const kind of kinds) {
    if (versions[kind]) continue;
    const v = store.active(kind);
    if (v) versions[kind] = v;
  }
  let members: ResolvedEnsembleMember[] = [];
  if (versions.ensemble) members = resolveEnsembleMembers(loadEnsembleModel(versions.ensemble), store);
  const segmentModels = new Map<string, SegmentClassifier>();
  const svms = new Map<string, SvmPipeline>();
  const needed = [...(['cnn', 'mlfi', 'svm'] as const).filter((k) => versions[k]).map((k) => versions[k]!), ...members.map((m) => m.version)];
  const labelSets = new Set([...Object.values(versions), ...needed].map((v) => v!.manifest.labels.join(',')));
  if (labelSets.size > 1) throw new Error('The models in use disagree on the genre labels or their order');
  try {
    for (const v of needed) {
      if (segmentModels.has(v.dir) || svms.has(v.dir)) continue;
      if (v.manifest.kind === 'svm') svms.set(v.dir, loadSvmModel(v));
      else segmentModels.set(v.dir, await openSegmentClassifier(v, { runtime: options.runtime, onnx: options.onnx }));
    }
  } catch (error) {
    await Promise.all([...segmentModels.values()].map((m) => m.close()));
    throw error;
  }
  const labels = [...labelSets][0]?.split(',') ?? [];
  const k = labels.length;

  async function predictVersion(v: ModelVersion, inputs: TrackInputs): Promise<ModelPrediction> {
    const kind = v.manifest.kind;
    if (kind === 'svm') {
      const r = svmTrackProbabilities(svms.get(v.dir)!, inputs.svmWindows);
      // As the app does: silent windows keep their own prediction but do not vote.
      const w = inputs.svmWindows.shape[0];
      const rms = Array.from({ length: w }, (_, i) => inputs.svmWindows.data[i * gtzanFeatureCount + rmsColumn]);
      return { kind, version: v.manifest.version, track: aggregateAudible(r.windows, w, k, 'mean', rms), parts: r.windows };
    }
    if (inputs.segments.length === 0) throw new Error('The track has no analysis segments');
    const model = segmentModels.get(v.dir)!;
    const featureSpec = v.manifest.inputs.find((i) => i.name === 'features');
    if (featureSpec?.features && featureSpec.features.join() !== mlfiFeatureNames.join()) {
      throw new Error(`${kind}/${v.manifest.version} expects other audio features than the analysis engine provides`);
    }
    const batch =
      kind === 'cnn'
        ? cnnSegmentBatch(inputs.segments, cnnInputConversion(v.manifest.inputs[0]?.spectrogram?.compression, `cnn/${v.manifest.version}`))
        : mlfiSegmentBatch(inputs.segments, gtzanFeatureNames);
    const probs = await model.predict(batch);
    const n = inputs.segments.length;
    const rms = inputs.segments.map((s) => s.features[rmsColumn]);
    return { kind, version: v.manifest.version, track: aggregateAudible(probs, n, k, options.aggregation ?? v.manifest.aggregation, rms), parts: probs };
  }

  return {
    labels,
    versions,
    substitutedMembers: members.filter((m) => m.substituted).map((m) => `${m.kind}/${m.version.manifest.version}`),
    async classify(inputs) {
      const out: Partial<Record<ModelKind, ModelPrediction>> = {};
      const byDir = new Map<string, ModelPrediction>();
      const get = async (v: ModelVersion) => {
        let p = byDir.get(v.dir);
        if (!p) {
          p = await predictVersion(v, inputs);
          byDir.set(v.dir, p);
        }
        return p;
      };
      for (const kind of ['cnn', 'mlfi', 'svm'] as const) if (versions[kind]) out[kind] = await get(versions[kind]!);
      if (versions.ensemble) {
        const preds = await Promise.all(members.map((m) => get(m.version)));
        out.ensemble = {
          kind: 'ensemble',
          version: versions.ensemble.manifest.version,
          track: combineProbabilities(preds.map((p) => p.track), members.map((m) => m.weight)),
          weights: Object.fromEntries(members.map((m) => [m.kind, m.weight])),
        };
      }
      return out;
    },
    async close() {
      await Promise.all([...segmentModels.values()].map((m) => m.close()));
    },
  };
}

