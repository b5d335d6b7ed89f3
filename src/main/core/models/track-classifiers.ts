import type { Aggregation } from './aggregation/segment-aggregation.ts';
import type { ResolvedEnsembleMember } from './ensemble/ensemble-model.ts';
import { loadEnsembleModel, resolveEnsembleMembers } from './ensemble/ensemble-model.ts';
import type { ModelSegment } from './inference/model-input-sources.ts';
import { openTrackModels } from './inference/track-models.ts';
import type { InstalledModel } from './kinds/installed-model.ts';
import { kindsByPreference, kindsWithRole, modelKind } from './kinds/registry.ts';
import type { OnnxSessionOptions } from './runtime/onnx-session.ts';
import type { ModelKind } from './store/model-kinds.ts';
import type { ModelStore, ModelVersion } from './store/model-store.ts';
import type { TensorData } from './tensor-data.ts';

/** What the models need from one analysed track: its segments and the 57 features of its SVM windows [w, 57]. */
export interface TrackInputs {
  /** The analysis engine's 3 s segments (SegmentAnalysis has what they need). */
  segments: readonly ModelSegment[];
  /** As the app computes them (windowPlan + windowFeatures in svm-window-features.ts): for a track of at most 31.5 s, [1, 57] = TrackAnalysis.clip.features. */
  svmWindows: TensorData;
  /** Where each SVM window starts, seconds, when known. */
  svmWindowStarts?: readonly number[];
}

/** One model's answer for a track. */
export interface ModelPrediction {
  kind: ModelKind;
  version: string;
  /** Track probabilities [k] in `labels` order. */
  track: Float64Array;
  /** Segment models: per-segment probabilities [n, k]; window models (the SVM): per-window [w, k]. Absent for the ensemble. */
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

const installed = (v: ModelVersion): InstalledModel => ({ kind: v.manifest.kind, version: v.manifest.version, dir: v.dir, manifest: v.manifest });

/**
 * Opens the ACTIVE version of each requested kind (default all; or the given versions) for inference on analysed
 * tracks, through the app's inference path (inference/track-models.ts): segment models on onnxruntime (or tfjs),
 * each track's segments in one batch, the SVM on the given window features, the ensemble over the member versions
 * its ensemble.json names (the active version of a kind standing in for a member that is gone). Probabilities
 * stay float64. Kinds without an installed version are skipped (not in `versions`).
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
  // Default: every kind, combiners after the models they combine.
  const kinds = options.kinds ?? (options.versions ? [] : [...kindsByPreference.filter((k) => k.role !== 'combiner'), ...kindsWithRole('combiner')].map((k) => k.name));
  const versions: Partial<Record<ModelKind, ModelVersion>> = { ...options.versions };
  for (const kind of kinds) {
    if (versions[kind]) continue;
    const v = store.active(kind);
    if (v) versions[kind] = v;
  }
  const inUse = Object.values(versions).filter((v) => v !== undefined);
  const single = inUse.filter((v) => modelKind(v.manifest.kind).role !== 'combiner');
  const ensembles = inUse.filter((v) => modelKind(v.manifest.kind).role === 'combiner');
  const members = new Map<string, ResolvedEnsembleMember[]>(ensembles.map((e) => [e.dir, resolveEnsembleMembers(loadEnsembleModel(e), store)]));
  const needed = [...single, ...[...members.values()].flat().map((m) => m.version)];
  const labelSets = new Set([...inUse, ...needed].map((v) => v.manifest.labels.join(',')));
  if (labelSets.size > 1) throw new Error('The models in use disagree on the genre labels or their order');
  const models = new Map<string, InstalledModel>();
  for (const v of [...needed, ...ensembles]) if (!models.has(v.dir)) models.set(v.dir, installed(v));
  const engine = await openTrackModels([...models.values()], {
    runtime: options.runtime,
    onnx: options.onnx,
    aggregation: options.aggregation,
    ensembleMembers: (ensemble) => (members.get(ensemble.dir) ?? []).map((m) => ({ kind: m.kind, weight: m.weight, model: models.get(m.version.dir)! })),
  });
  const labels = [...labelSets][0]?.split(',') ?? [];

  return {
    labels,
    versions,
    substitutedMembers: [...members.values()].flat().filter((m) => m.substituted).map((m) => `${m.kind}/${m.version.manifest.version}`),
    async classify(inputs) {
      // The whole track in one batch (the cross-validated figures were measured so).
      const run = engine.startTrack({ batchSize: Math.max(1, inputs.segments.length) });
      for (const s of inputs.segments) run.push(s);
      const w = inputs.svmWindows;
      const made = await run.finish((window) => ({
        rows: w.data,
        count: w.shape[0],
        starts: Float32Array.from({ length: w.shape[0] }, (_, i) => inputs.svmWindowStarts?.[i] ?? NaN),
        seconds: window.seconds,
      }));
      const byDir = new Map(made.map((p) => [p.dir, p]));
      const out: Partial<Record<ModelKind, ModelPrediction>> = {};
      for (const [kind, v] of Object.entries(versions) as [ModelKind, ModelVersion | undefined][]) {
        if (!v) continue;
        const p = byDir.get(v.dir);
        if (!p) throw new Error(`${kind}/${v.manifest.version} gave no prediction`);
        const ensembleMembers = members.get(v.dir);
        out[kind] = ensembleMembers
          ? { kind, version: p.version, track: p.track, weights: Object.fromEntries(ensembleMembers.map((m) => [m.kind, m.weight])) }
          : { kind, version: p.version, track: p.track, parts: p.segmentProbabilities };
      }
      return out;
    },
    close: () => engine.close(),
  };
}
