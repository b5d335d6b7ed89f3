import { GTZAN_SAMPLE_RATE, SEGMENT_HOP, SEGMENT_SAMPLES } from '../../features/index.ts';
import type { Aggregation } from '../aggregation/segment-aggregation.ts';
import type { MlfiInteraction, MlfiMode } from '../mlfi/mlfi-model.ts';
import type { NormalizationGranularity } from '../normalize-input.ts';
import type { LayersModel, Tf } from '../runtime/tfjs-types.ts';
import type { ModelManifest } from '../store/model-manifest.ts';
import type { ModelKind } from '../store/model-kinds.ts';

/**
 * Everything that defines how a segment model (CNN, MLFI, ...) is trained: architecture and training schedule.
 * Cross-validation results are cached under a hash of the recipe, so a changed recipe trains afresh.
 */
export interface SegmentRecipe {
  kind: ModelKind;
  architecture: string;
  mlfi?: { interaction: MlfiInteraction; mode: MlfiMode };
  /** Upper bound; early stopping on the validation tracks' loss usually ends sooner. */
  epochs: number;
  /** Random crops per training track per epoch. */
  samplesPerTrack: number;
  batchSize: number;
  learningRate: number;
  earlyStoppingPatience: number;
  /** Learning-rate schedule on the validation loss. */
  reduceOnPlateau: { factor: number; patience: number; minLearningRate: number };
  /** Crops at any frame offset (spliced from neighbouring segments), not only at segment starts; for models with one spectrogram input. */
  jitter: boolean;
  aggregation: Aggregation;
  normalization: Record<string, NormalizationGranularity>;
  seed: number;
}

/** What a training request may change in a kind's recipe (interaction and mode choose the MLFI's variant). */
export interface SegmentRecipeOptions {
  epochs?: number;
  seed?: number;
  aggregation?: Aggregation;
  interaction?: MlfiInteraction;
  mode?: MlfiMode;
}

/** How training makes a segment model of one kind. */
export interface SegmentRecipeBook {
  /** The kind's recipe with a request's changes. */
  recipe(options: SegmentRecipeOptions): SegmentRecipe;
  /** The options that give a stored version's recipe again (its variant; so an ensemble's CV retrains the same model). */
  optionsOf(manifest: ModelManifest): SegmentRecipeOptions;
  /** The untrained network of a recipe. */
  build(recipe: SegmentRecipe, classes: number): (tf: Tf) => LayersModel;
  /** The manifest's input specs: names, shapes and how the analysis engine computes them. */
  inputs(recipe: SegmentRecipe): ModelManifest['inputs'];
}

/** The analysis segments a segment model's inputs are computed on: 3 s every 1.5 s. */
export const segmentInputWindow = { seconds: SEGMENT_SAMPLES / GTZAN_SAMPLE_RATE, hopSeconds: SEGMENT_HOP / GTZAN_SAMPLE_RATE };
