import { analyzeTrack, gtzanFeatureIndex, gtzanFeatureNames, GTZAN_FEATURE_COUNT, SEGMENT_SECONDS } from '../features/index.ts';
import type { AnalysisProgress, SegmentAnalysis } from '../features/index.ts';
import { SILENCE_RMS } from '../models/aggregation/audible-rows.ts';
import type { RemoteSegmentModels } from '../models/inference/remote-segment-classifier.ts';
import { openTrackModels } from '../models/inference/track-models.ts';
import { windowFeatures, windowPlan } from '../models/svm/svm-window-features.ts';
import type { ActiveModel } from './active-models.ts';
import type { ModelPrediction } from './model-prediction.ts';
import { SilentTrackError } from './silent-track-error.ts';
import { warningReason } from './failure-reason.ts';
import { MIN_TRACK_SECONDS } from './min-track-length.ts';
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
   * Segments per inference call; default 2. Larger batches are not faster on the CPU (one thread, 160 segments of
   * the int8 models: the CNN 110-122 ms with 1, 2 or 4 a batch; the MLFI 100, 86-96 and 89-92 ms), but a batch's
   * activations are memory that onnxruntime's first two runs of each batch shape fault in, paid by every worker on
   * its first track: the CNN's first 160 segments took 148-215 ms and 2,300 page faults with 1, 183-280 ms and 5,100
   * with 2, 258-279 ms and 10,700 with 4 (a page fault costs 15 us on the 2-core benchmark machine). 2 keeps the
   * MLFI's steady rate and halves what 4 costs once.
   */
  batchSize?: number;
  /**
   * onnxruntime execution providers for the segment models, in order (compute-device.ts chooses them; default the
   * CPU). A model that does not open on them is opened on the CPU.
   */
  executionProviders?: string[];
  /** The segment models run in another thread (segment-inference-server.ts) instead of this one. */
  remote?: RemoteSegmentModels;
}

const RMS_MEAN = gtzanFeatureIndex.rms_mean;

/**
 * Opens every active model once (models/inference/track-models.ts: onnxruntime sessions for the segment models,
 * the SVM pipeline, the ensemble's weights) and classifies tracks one after another: a streamed analysis (bounded
 * memory at any length) feeds the segment models batch by batch while it runs; the SVM reads 30 s windows pooled
 * from the segment features; the ensemble combines the others. Runs in any thread; the classification pool runs
 * one per worker. Probabilities are rounded to float32 as they are made, as the library stores them.
 */
export async function openTrackClassifier(models: readonly ActiveModel[], options: TrackClassifierOptions = {}): Promise<TrackClassifier> {
  if (models.length === 0) throw new Error('No genre model is installed: run `npm run train:defaults` or install a model version.');
  const engine = await openTrackModels(models, {
    runtime: 'onnx',
    onnx: { threads: options.onnxThreads ?? 1, executionProviders: options.executionProviders ?? ['cpu'] },
    remote: options.remote,
    batchSize: options.batchSize ?? 2,
    float32: true,
  });

  /** The analysis under way in this thread: one at a time; the next starts while the last one's batches still run. */
  let analysing: Promise<void> = Promise.resolve();

  async function classify(path: string, opts: ClassifyOptions = {}): Promise<TrackClassification> {
    const before = analysing;
    let analysed!: () => void;
    analysing = new Promise((resolve) => (analysed = resolve));
    try {
      await before;
      return await classifyNow(path, opts, analysed);
    } finally {
      analysed();
    }
  }

  async function classifyNow(path: string, opts: ClassifyOptions, analysed: () => void): Promise<TrackClassification> {
    const started = performance.now();
    const run = engine.startTrack();
    const starts: number[] = [];
    let features = new Float32Array(64 * GTZAN_FEATURE_COUNT);
    const segmentRms: number[] = [];
    const onSegment = (s: SegmentAnalysis): void => {
      run.push(s);
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
      // onSegment copies every input into the models' batches before it returns
      reuseSegmentInputs: true,
      minSeconds: MIN_TRACK_SECONDS,
      onSegment,
      segments: { features: true, cnn: engine.segmentParts.has('cnn'), mlfi: engine.segmentParts.has('mlfi') },
    });
    analysed();
    // Silence gets no genre. The segments cover the whole track.
    const loudestSegmentRms = segmentRms.reduce((a, b) => Math.max(a, b), 0);
    if (loudestSegmentRms < SILENCE_RMS) {
      await run.abandon(); // let batches in flight end
      throw new SilentTrackError(loudestSegmentRms);
    }
    const segmentFeatures = features.subarray(0, starts.length * GTZAN_FEATURE_COUNT);
    const made = await run.finish((window) => {
      const windows = windowPlan(analysis.durationSeconds, window.seconds, window.hopSeconds);
      return {
        rows: windowFeatures(windows, { starts, features: segmentFeatures, seconds: SEGMENT_SECONDS }, analysis.clip),
        count: windows.length,
        starts: Float32Array.from(windows, (x) => x.start),
        seconds: Math.min(window.seconds, analysis.durationSeconds),
      };
    });
    const predictions: ModelPrediction[] = made.map((p) => ({
      kind: p.kind,
      version: p.version,
      labels: p.labels,
      probabilities: Float32Array.from(p.track),
      segmentSeconds: p.segmentSeconds,
      segmentStarts: p.segmentStarts,
      segmentProbabilities: p.segmentProbabilities instanceof Float32Array ? p.segmentProbabilities : Float32Array.from(p.segmentProbabilities),
    }));
    const embedding = trackEmbedding({
      featureNames: gtzanFeatureNames,
      clip: analysis.clip.features,
      segments: segmentFeatures,
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
    close: () => engine.close(),
  };
}
