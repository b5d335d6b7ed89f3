import { GTZAN_FEATURE_COUNT, SEGMENT_SECONDS, gtzanFeatureIndex } from '../../features/index.ts';
import { aggregateAudible } from '../aggregation/audible-rows.ts';
import type { Aggregation } from '../aggregation/segment-aggregation.ts';
import { ensemblePrediction } from '../ensemble/ensemble-prediction.ts';
import type { InstalledModel } from '../kinds/installed-model.ts';
import type { OpenedSegmentModel, OpenedWindowModel } from '../kinds/model-kind.ts';
import { ensembleMemberKinds, modelKind } from '../kinds/registry.ts';
import type { OnnxSessionOptions } from '../runtime/onnx-session.ts';
import type { RemoteSegmentModels } from './remote-segment-classifier.ts';
import type { ModelKind } from '../store/model-kinds.ts';
import type { ModelSegment, SegmentPart } from './model-input-sources.ts';
import { SegmentModelRun } from './segment-model-run.ts';
import type { TrackModelPrediction } from './track-model-prediction.ts';

const RMS_MEAN = gtzanFeatureIndex.rms_mean;
const F = GTZAN_FEATURE_COUNT;

/** Which model stands for one member of an ensemble, with the member's weight (null: not among the models opened). */
export interface BoundEnsembleMember {
  kind: ModelKind;
  weight: number;
  model: InstalledModel | null;
}

export interface TrackModelsOptions {
  /** Runtime of the segment models (default onnxruntime). */
  runtime?: 'onnx' | 'tfjs';
  /** onnxruntime's threads and execution providers; a segment model that does not open on the providers opens on the CPU. */
  onnx?: OnnxSessionOptions;
  /** The segment models run in another thread, which has them open (segment-inference-server.ts). */
  remote?: RemoteSegmentModels;
  /** Segments per inference call (default 8; startTrack may set it per track). */
  batchSize?: number;
  /** Every segment model's aggregation of its segments, instead of its manifest's. */
  aggregation?: Aggregation;
  /**
   * Round each model's probabilities to float32 as soon as they are made, as the library stores them: an ensemble
   * then combines exactly the numbers stored for its members (the app). Off: float64 throughout (training).
   */
  float32?: boolean;
  /**
   * The members of an ensemble: by default those its version names (files.ensemble or training.params), each played
   * by the first of the models of its kind (a kind with none is left out, the other weights renormalised).
   */
  ensembleMembers?: (ensemble: InstalledModel) => readonly BoundEnsembleMember[];
}

/** A track's windows for a window model: their 57 features [count, 57] (gtzanFeatureNames order), starts and length. */
export interface WindowRows {
  rows: Float32Array;
  count: number;
  /** Start of each window, seconds (NaN where unknown). */
  starts: Float32Array;
  /** How long each window is, seconds. */
  seconds: number;
}

/** The windows of the track being classified, as a window model asks for them (its window length and hop). */
export type WindowRowsSource = (window: { seconds: number; hopSeconds: number }) => WindowRows;

/** The models at work on one track. */
export interface TrackModelRun {
  /** One analysed segment, in order: every segment model takes it (in batches; inference overlaps what comes next). */
  push(segment: ModelSegment): void;
  /** Every model's prediction, in the order of the models opened (an ensemble none of whose members ran is left out). */
  finish(windows: WindowRowsSource): Promise<TrackModelPrediction[]>;
  /** Waits for the batches in flight and drops what they gave (a track that is not classified after all). */
  abandon(): Promise<void>;
}

export interface TrackModels {
  readonly models: readonly InstalledModel[];
  /** The parts of a segment the segment models read (what the analysis must compute: 'cnn', 'mlfi', 'features'). */
  readonly segmentParts: ReadonlySet<SegmentPart>;
  /** Starts a track; `batchSize` for this track only (e.g. all its segments at once). */
  startTrack(options?: { batchSize?: number }): TrackModelRun;
  close(): Promise<void>;
}

/**
 * Opens models of any kinds for inference on tracks, each as its kind (models/kinds/registry.ts) says: segment
 * models are fed the analysis segments batch by batch while they arrive, window models read windows pooled from
 * the segments, combiners (the ensemble) combine the others. The one inference path of the code: the app's
 * classifier (classify/track-classifier.ts, a streamed analysis of a file) and the training code's
 * (track-classifiers.ts, cached analyses) both run their models through here.
 */
export async function openTrackModels(models: readonly InstalledModel[], options: TrackModelsOptions = {}): Promise<TrackModels> {
  const segmentModels: OpenedSegmentModel[] = [];
  const windowModels: OpenedWindowModel[] = [];
  const combiners: { model: InstalledModel; members: readonly BoundEnsembleMember[] }[] = [];
  try {
    for (const model of models) {
      const kind = modelKind(model.kind);
      if (kind.role === 'segment') segmentModels.push(await kind.open(model, { runtime: options.runtime, onnx: options.onnx, remote: options.remote }));
      else if (kind.role === 'window') windowModels.push(kind.open(model));
      else {
        const members =
          options.ensembleMembers?.(model) ??
          kind.open(model, ensembleMemberKinds).members.map((m) => ({ kind: m.kind, weight: m.weight, model: models.find((x) => x.kind === m.kind) ?? null }));
        combiners.push({ model, members });
      }
    }
  } catch (error) {
    await Promise.all(segmentModels.map((s) => s.classifier.close()));
    throw error;
  }
  const segmentParts = new Set(segmentModels.flatMap((s) => s.sources.map((x) => x.part)));
  const stored = (a: Float64Array): Float64Array => (options.float32 ? Float64Array.from(Float32Array.from(a)) : a);
  const storedRows = (a: Float64Array): Float32Array | Float64Array => (options.float32 ? Float32Array.from(a) : a);
  /** What a segment or window model said about the track, its track probabilities as stored. */
  const said = (
    model: InstalledModel,
    track: Float64Array,
    segmentSeconds: number,
    segmentStarts: Float32Array,
    segmentProbabilities: Float32Array | Float64Array,
  ): TrackModelPrediction => ({
    kind: model.kind,
    version: model.version,
    dir: model.dir,
    labels: model.manifest.labels,
    track: stored(track),
    segmentSeconds,
    segmentStarts,
    segmentProbabilities,
  });

  /** Each segment model's idle batch buffers, reused from track to track. */
  const batchBuffers = segmentModels.map((): Float32Array[][] => []);

  function startTrack(trackOptions: { batchSize?: number } = {}): TrackModelRun {
    const batchSize = trackOptions.batchSize ?? options.batchSize ?? 8;
    const runs = segmentModels.map((s, m) => new SegmentModelRun(s.classifier, s.sources, batchSize, batchBuffers[m]));
    const segmentRms: number[] = [];
    return {
      push(segment) {
        for (const run of runs) run.push(segment);
        segmentRms.push(segment.features[RMS_MEAN]);
      },
      async abandon() {
        await Promise.all(runs.map((r) => r.finish().catch(() => undefined)));
      },
      async finish(windowRows) {
        const made = new Map<string, TrackModelPrediction>();
        for (let m = 0; m < segmentModels.length; m++) {
          const { model } = segmentModels[m];
          const { probabilities, starts } = await runs[m].finish();
          const n = starts.length;
          if (n === 0) throw new Error('The track has no analysis segments');
          const k = model.manifest.labels.length;
          // The track's prediction is made of its audible segments (every segment's own prediction is kept).
          const track = aggregateAudible(probabilities, n, k, options.aggregation ?? model.manifest.aggregation, segmentRms);
          made.set(model.dir, said(model, track, SEGMENT_SECONDS, starts, probabilities));
        }
        for (const w of windowModels) {
          const { model } = w;
          const { rows, count, starts, seconds } = windowRows(w.window);
          const perWindow = w.predictWindows(rows, count);
          // As for the segments: the audible windows make the track's prediction.
          const k = model.manifest.labels.length;
          const track = aggregateAudible(perWindow, count, k, 'mean', Array.from({ length: count }, (_, i) => rows[i * F + RMS_MEAN]));
          made.set(model.dir, said(model, track, seconds, starts, storedRows(perWindow)));
        }
        for (const c of combiners) {
          const p = ensemblePrediction(
            c.model,
            c.members.map((m) => ({ weight: m.weight, prediction: m.model ? made.get(m.model.dir) : undefined })),
          );
          if (p) made.set(c.model.dir, { ...p, track: stored(p.track) });
        }
        return models.flatMap((m) => made.get(m.dir) ?? []);
      },
    };
  }

  return {
    models,
    segmentParts,
    startTrack,
    async close() {
      await Promise.all(segmentModels.map((s) => s.classifier.close()));
    },
  };
}
