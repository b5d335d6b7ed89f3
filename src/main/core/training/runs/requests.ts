import type { Aggregation } from '../../models/aggregation/segment-aggregation.ts';
import type { MlfiInteraction, MlfiMode } from '../../models/mlfi/mlfi-model.ts';
import type { ModelKind } from '../../models/store/model-manifest.ts';
import type { TrackAnalyzer } from '../analysis/analyze-dataset.ts';

/** Options of audio datasets (CNN, MLFI, ensemble; the SVM on an audio dataset). */
export interface AudioRunOptions {
  /** Where analyses and cross-validation fold results are cached (default: the user cache folder). */
  cacheDir?: string;
  /** Recompute cross-validation folds even when cached results exist. */
  fresh?: boolean;
  /** Cross-validation: train the folds last to first (a second process on the same cache works from the other end). */
  reverse?: boolean;
  /** Upper bound on training epochs (CNN, MLFI). */
  epochs?: number;
  /** MLFI variant (default two-way, mode B). */
  interaction?: MlfiInteraction;
  mode?: MlfiMode;
  /** Segment probabilities -> track probabilities (CNN, MLFI; default mean). */
  aggregation?: Aggregation;
  /** CNN / MLFI: also save the TensorFlow.js files beside the ONNX model (default true; the shipped defaults keep ONNX only). */
  saveTfjs?: boolean;
}

/** What `genre-tagger train` asks for; also the payload of the train worker. */
export interface TrainRequest extends AudioRunOptions {
  model: ModelKind;
  dataset: string;
  /** A split folder or list file (train/valid/test by track). */
  split?: string;
  /** k-fold cross-validation by track (default 10 when no split is given). */
  folds?: number;
  /** Write the version folder under this models root (e.g. the repo's models/) instead of the user store. */
  out?: string;
  version?: string;
  seed?: number;
  /** SVM: compare PCA on/off on validation data (auto), or force it. */
  pca?: 'auto' | 'on' | 'off';
  /** SVM: fit the final model on train+valid (default) or on train only. */
  refit?: 'train+valid' | 'train';
  /** Make the new version the active one (user store only; default true). */
  activate?: boolean;
  description?: string;
  /** The user data folder and the shipped models folder (worker threads do not share module state). */
  dataDir: string;
  shippedDir: string | null;
}

/** What `genre-tagger evaluate` asks for; also the payload of the evaluate worker. */
export interface EvaluateRequest extends AudioRunOptions {
  model: ModelKind;
  dataset: string;
  /** Evaluate a stored version on the split's test tracks. */
  split?: string;
  /** Cross-validate the training recipe with k folds by track (fresh models, nothing saved). */
  folds?: number;
  /** Which stored version (default: the active one), or a version folder. */
  version?: string;
  modelDir?: string;
  seed?: number;
  pca?: 'auto' | 'on' | 'off';
  dataDir: string;
  shippedDir: string | null;
}

export interface RunProgress {
  (done: number, total: number | null, message: string): void;
}

/** How a run reports progress, is cancelled and analyses audio (worker threads when run by a job). */
export interface RunContext {
  signal?: AbortSignal;
  progress?: RunProgress;
  analyzer?: TrackAnalyzer;
}
