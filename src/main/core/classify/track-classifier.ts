import { analyzeTrack, gtzanFeatureIndex, gtzanFeatureNames, GTZAN_FEATURE_COUNT, SEGMENT_SECONDS } from '../features/index.ts';
import type { AnalysisProgress, SegmentAnalysis } from '../features/index.ts';
import { aggregateAudible, SILENCE_RMS } from '../models/aggregation/audible-rows.ts';
import { selectFeatureColumns } from '../models/feature-columns.ts';
import { openSegmentClassifier } from '../models/segment-classifier.ts';
import type { SegmentClassifier } from '../models/segment-classifier.ts';
import { loadSvmModel } from '../models/store/load-svm-model.ts';
import type { SvmPipeline } from '../models/svm/svm-pipeline.ts';
import { svmTrackProbabilities } from '../models/svm/svm-track-probabilities.ts';
import type { ActiveModel } from './active-models.ts';
import { ensembleMembers } from './ensemble-members.ts';
import type { EnsembleMember } from './ensemble-members.ts';
import { ensemblePrediction } from './ensemble-prediction.ts';
import type { ModelPrediction } from './model-prediction.ts';
import { SegmentModelRun } from './segment-model-run.ts';
import { SilentTrackError } from './silent-track-error.ts';
import { warningReason } from './failure-reason.ts';
import { MIN_TRACK_SECONDS } from './min-track-length.ts';
import type { ModelInputSource } from './model-input-sources.ts';
import { modelInputSources } from './model-input-sources.ts';
import { windowFeatures, windowPlan } from '../models/svm/svm-window-features.ts';
import { trackEmbedding } from '../personal/track-embedding.ts';
import type { TrackEmbedding } from '../personal/track-embedding.ts';

/** Everything listening to one track produced. */
export interface TrackClassification {
  durationSeconds: number;
  segmentCount: number;
  clip: { startSeconds: number; seconds: number; features: Float32Array };
  /** One per active model, in order of preference (the first speaks for the track). */
  predictions: ModelPrediction[];
  /** What personal models learn from and predict with, without decoding the track again. */
  embedding: TrackEmbedding;
  elapsedMs: number;
  /** Classified from part of the audio (cut short, damaged frames): why and how much (decode-completeness.ts). */
  warning: { code: string; message: string } | null;
}

export interface ClassifyOptions {
  signal?: AbortSignal;
  onProgress?: (p: AnalysisProgress) => void;
}

export interface TrackClassifier {
  readonly models: readonly ActiveModel[];
  classify(path: string, options?: ClassifyOptions): Promise<TrackClassification>;
  close(): Promise<void>;
}

export interface TrackClassifierOptions {
  /** onnxruntime intra-op threads per segment model (the pool sizes this so workers x threads is about the cores). */
  onnxThreads?: number;
  /**
   * Segments per inference call; default 8. Larger batches are not faster on the CPU: onnxruntime ran the CNN at
   * 690 segments/s with 32 and 702 with 8 (the MLFI 1,433 and 1,550), and a batch of 32 needs 134 MB for the CNN's
   * first activation alone. (When the worker itself still forked for every ffmpeg, that memory faulted again after
   * each fork: 8 tracks took 9.7 s with 32 and 7.3 s with 8. ffmpeg's launcher process has ended that cost.)
   */
  batchSize?: number;
  /**
   * onnxruntime execution providers for the segment models, in order (compute-device.ts chooses them; default the
   * CPU). A model that does not open on them is opened on the CPU.
   */
  executionProviders?: string[];
}

const RMS_MEAN = gtzanFeatureIndex.rms_mean;

interface SegmentModel {
  model: ActiveModel;
  classifier: SegmentClassifier;
  sources: ModelInputSource[];
}

interface WindowModel {
  model: ActiveModel;
  svm: SvmPipeline;
  seconds: number;
  hopSeconds: number;
}

/**
 * Opens every active model once (onnxruntime sessions for CNN / MLFI, the SVM pipeline, the ensemble's weights)
 * and classifies tracks one after another: a streamed analysis (bounded memory at any length) feeds the segment
 * models batch by batch while it runs; the SVM reads 30 s windows pooled from the segment features; the ensemble
 * combines the others. Runs in any thread; the classification pool runs one per worker.
 */
export async function openTrackClassifier(models: readonly ActiveModel[], options: TrackClassifierOptions = {}): Promise<TrackClassifier> {
  if (models.length === 0) throw new Error('No genre model is installed: run `npm run train:defaults` or install a model version.');
  const segmentModels: SegmentModel[] = [];
  const windowModels: WindowModel[] = [];
  const ensembles: { model: ActiveModel; members: EnsembleMember[] }[] = [];
  try {
    for (const model of models) {
      if (model.kind === 'cnn' || model.kind === 'mlfi') {
        const sources = modelInputSources(model.manifest);
        const version = { manifest: model.manifest, dir: model.dir, source: 'user' as const, active: true };
        const threads = options.onnxThreads ?? 1;
        const providers = options.executionProviders ?? ['cpu'];
        const classifier = await openSegmentClassifier(version, { runtime: 'onnx', onnx: { threads, executionProviders: providers } }).catch((error: unknown) => {
          if (providers.length === 1 && providers[0] === 'cpu') throw error;
          return openSegmentClassifier(version, { runtime: 'onnx', onnx: { threads, executionProviders: ['cpu'] } });
        });
        segmentModels.push({ model, classifier, sources });
      } else if (model.kind === 'svm') {
        const svm = loadSvmModel({ manifest: model.manifest, dir: model.dir, source: 'user', active: true });
        const window = model.manifest.inputs.find((i) => i.window)?.window ?? { seconds: 30, hopSeconds: 15 };
        windowModels.push({ model, svm, seconds: window.seconds, hopSeconds: window.hopSeconds });
      } else {
        ensembles.push({ model, members: ensembleMembers(model) });
      }
    }
  } catch (error) {
    await Promise.all(segmentModels.map((s) => s.classifier.close()));
    throw error;
  }
  const parts = new Set(segmentModels.flatMap((s) => s.sources.map((x) => x.part)));
  const batchSize = options.batchSize ?? 8;

  async function classify(path: string, opts: ClassifyOptions = {}): Promise<TrackClassification> {
    const started = performance.now();
    const runs = segmentModels.map((s) => new SegmentModelRun(s.classifier, s.sources, batchSize));
    const starts: number[] = [];
    let features = new Float32Array(64 * GTZAN_FEATURE_COUNT);
    const segmentRms: number[] = [];
    const onSegment = (s: SegmentAnalysis): void => {
      for (const run of runs) run.push(s);
      segmentRms.push(s.features[RMS_MEAN]);
      const i = starts.length;
      if ((i + 1) * GTZAN_FEATURE_COUNT > features.length) {
        const grown = new Float32Array(features.length * 2);
        grown.set(features);
        features = grown;
      }
      features.set(s.features, i * GTZAN_FEATURE_COUNT);
      starts.push(s.startSeconds);
    };
    const analysis = await analyzeTrack(path, {
      signal: opts.signal,
      onProgress: opts.onProgress,
      keepSegments: false,
      minSeconds: MIN_TRACK_SECONDS,
      onSegment,
      segments: { features: true, cnn: parts.has('cnn'), mlfi: parts.has('mlfi') },
    });
    // Silence gets no genre. The segments cover the whole track.
    const loudestSegmentRms = segmentRms.reduce((a, b) => Math.max(a, b), 0);
    if (loudestSegmentRms < SILENCE_RMS) {
      await Promise.all(runs.map((r) => r.finish().catch(() => undefined))); // let batches in flight end
      throw new SilentTrackError(loudestSegmentRms);
    }
    // The track's prediction is made of its audible segments (every segment's own prediction is kept).
    const segmentSeconds = SEGMENT_SECONDS;
    const predictions: ModelPrediction[] = [];
    for (let m = 0; m < segmentModels.length; m++) {
      const { model } = segmentModels[m];
      const { probabilities, starts: segStarts } = await runs[m].finish();
      const k = model.manifest.labels.length;
      const n = segStarts.length;
      predictions.push({
        kind: model.kind,
        version: model.version,
        labels: model.manifest.labels,
        probabilities: Float32Array.from(aggregateAudible(probabilities, n, k, model.manifest.aggregation, segmentRms)),
        segmentSeconds,
        segmentStarts: segStarts,
        segmentProbabilities: probabilities,
      });
    }
    for (const w of windowModels) {
      const windows = windowPlan(analysis.durationSeconds, w.seconds, w.hopSeconds);
      const rows = windowFeatures(windows, { starts, features: features.subarray(0, starts.length * GTZAN_FEATURE_COUNT), seconds: segmentSeconds }, analysis.clip);
      const input = selectFeatureColumns(rows, gtzanFeatureNames, w.svm.featureNames);
      const { windows: perWindow } = svmTrackProbabilities(w.svm, { data: input, shape: [windows.length, w.svm.featureNames.length] });
      // As for the segments: the audible windows make the track's prediction.
      const k = w.model.manifest.labels.length;
      const track = aggregateAudible(perWindow, windows.length, k, 'mean', Array.from(windows, (_, i) => rows[i * GTZAN_FEATURE_COUNT + RMS_MEAN]));
      predictions.push({
        kind: 'svm',
        version: w.model.version,
        labels: w.model.manifest.labels,
        probabilities: Float32Array.from(track),
        segmentSeconds: Math.min(w.seconds, analysis.durationSeconds),
        segmentStarts: Float32Array.from(windows, (x) => x.start),
        segmentProbabilities: Float32Array.from(perWindow),
      });
    }
    for (const e of ensembles) {
      const p = ensemblePrediction(e.model, e.members, predictions);
      if (p) predictions.push(p);
    }
    const order = models.map((m) => m.kind);
    predictions.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
    const embedding = trackEmbedding({
      featureNames: gtzanFeatureNames,
      clip: analysis.clip.features,
      segments: features.subarray(0, starts.length * GTZAN_FEATURE_COUNT),
      segmentCount: starts.length,
      rmsIndex: RMS_MEAN,
      predictions,
    });
    return {
      durationSeconds: analysis.durationSeconds,
      segmentCount: analysis.segmentCount,
      clip: { startSeconds: analysis.clip.startSeconds, seconds: analysis.clip.seconds, features: analysis.clip.features },
      predictions,
      embedding,
      elapsedMs: performance.now() - started,
      warning: analysis.decodeWarning ? warningReason(analysis.decodeWarning, path) : null,
    };
  }

  return {
    models,
    classify,
    async close() {
      await Promise.all(segmentModels.map((s) => s.classifier.close()));
    },
  };
}
