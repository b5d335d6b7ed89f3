import { z } from '../zod.ts';
import { method } from '../method.ts';

export type ModelKindName = 'svm' | 'cnn' | 'mlfi' | 'ensemble';

/** A model version that classifies tracks now. */
export interface ActiveModelInfo {
  kind: ModelKindName;
  version: string;
  architecture: string;
  labels: string[];
  /** The accuracy its manifest reports (test split, else cross-validation, else validation), 0..1. */
  accuracy: number | null;
  /** How that accuracy was measured, in words. */
  accuracyNote: string | null;
  /** True for the model whose prediction the library table shows (the ensemble when there is one). */
  primary: boolean;
}

/** Why a track counted as unreadable has no genre, as the summaries say it. */
export const UNCLASSIFIABLE_BECAUSE = 'unreadable, silent or too short';

/** Said of the tracks a classification left to another process classifying the same library (ClassifySummary.elsewhere). */
export const LEFT_ELSEWHERE = 'left to another Genre Tagger process classifying this library';

/** The result of a classification job (JobInfo.result of a 'classify' job). */
export interface ClassifySummary {
  /** Tracks that needed listening to when the job started. */
  total: number;
  classified: number;
  /** Files now listed as unreadable with the reason: ffmpeg could not decode them, or they hold nothing to hear (silent, too short). */
  unreadable: number;
  /** Analyses that failed for another reason (recorded; retried when the engine changes). */
  failed: number;
  /** Tracks that vanished or were removed while the job ran. */
  skipped: number;
  /**
   * Tracks left to another classification of this library running in another process (the app, `serve`, a
   * `genre-tagger classify`): it was listening to them, or had stored their results, when this job came to them.
   */
  elsewhere: number;
  cancelled: boolean;
  elapsedMs: number;
  workers: number;
  /**
   * The analysis workers were those of the classification before, kept by the app with their models open: this
   * job paid no start-up. Absent where no pool was opened (nothing to classify).
   */
  workersReused?: boolean;
  /** Seconds of audio analysed and segments computed. */
  audioSeconds: number;
  segments: number;
  models: { kind: ModelKindName; version: string }[];
  /** Where the CNN and MLFI ran ("CPU", "GPU (cuda)") and why; null when nothing was classified. */
  compute: { label: string; reason: string } | null;
}

export interface ModelTrackPrediction {
  kind: ModelKindName;
  version: string;
  /** Whether this version is the active one of its kind (older versions' predictions are kept until replaced). */
  active: boolean;
  labels: string[];
  /** Track-level probabilities in label order (sum 1). */
  probabilities: number[];
  top: string;
  confidence: number;
  runnerUp: string | null;
  runnerUpConfidence: number | null;
  /** Segment (CNN, MLFI: 3 s) or window (SVM: 30 s) length and start times, seconds. */
  segmentSeconds: number;
  segmentStarts: number[];
  /** Each segment's probabilities in label order (stored with 1/255 resolution). */
  segmentProbabilities: number[][];
  predictedAt: number;
  /** False when the audio changed since (a new classification is due). */
  current: boolean;
}

/** One stretch of the genre-over-time strip. */
export interface TimelineCell {
  start: number;
  end: number;
  genre: string;
  confidence: number;
}

export interface TrackAnalysisInfo {
  status: 'ok' | 'error';
  error: string | null;
  durationS: number | null;
  segmentCount: number | null;
  engineVersion: string;
  analyzedAt: number;
  /** False when the audio changed since it was analysed. */
  current: boolean;
}

export interface TrackPredictions {
  trackId: number;
  analysis: TrackAnalysisInfo | null;
  /** Every model's latest prediction, the primary model first. */
  models: ModelTrackPrediction[];
  /** The model the timeline is drawn from (the primary model's kind), or null before classification. */
  timelineModel: ModelKindName | null;
  /** The genre over time: consecutive cells from 0 to the track's end, one per segment. */
  timeline: TimelineCell[];
}

export interface GenreCount {
  genre: string;
  count: number;
}

export interface ClassificationStatus {
  models: ActiveModelInfo[];
  /** Readable tracks that still need listening to (new, changed, or missing a prediction from an active model). */
  pending: number;
  classified: number;
  /** Tracks listed as unreadable: their audio could not be decoded, or there was nothing to hear (silent, too short). */
  unreadable: number;
  /** The running classification job, if any. */
  jobId: string | null;
  /** Why classification cannot run (no model installed, ffmpeg missing), or null. */
  problem: string | null;
}

const ids = z.array(z.number().int().positive()).max(100_000);

export const predictionsApi = {
  /** Listens to and classifies the tracks that need it (new or changed audio, or a model version without a prediction). */
  'predictions.classify': method(
    z.object({ rootIds: ids.optional(), trackIds: ids.optional(), force: z.boolean().optional() }).strict(),
  ).returns<{ jobId: string | null }>(),
  /** Cancels the running classification; tracks finished so far keep their results. */
  'predictions.cancel': method(z.object({}).strict()).returns<{ cancelled: boolean }>(),
  'predictions.status': method(z.object({}).strict()).returns<ClassificationStatus>(),
  'predictions.track': method(z.object({ id: z.number().int().positive() }).strict()).returns<TrackPredictions>(),
  /** Predicted genres with the number of tracks of each (for the filter), optionally within a folder and above a confidence. */
  'predictions.genres': method(
    z.object({ folder: z.string().max(4096).optional(), minConfidence: z.number().min(0).max(1).optional() }).strict(),
  ).returns<GenreCount[]>(),
};
