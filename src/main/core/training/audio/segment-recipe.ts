import { CNN_INPUT, GTZAN_SAMPLE_RATE, MLFI_INPUT, SEGMENT_HOP, SEGMENT_SAMPLES } from '../../features/index.ts';
import type { Aggregation } from '../../models/aggregation/segment-aggregation.ts';
import { buildDongCnn } from '../../models/cnn/dong-cnn.ts';
import { mlfiFeatureNames } from '../../models/feature-columns.ts';
import type { MlfiInteraction, MlfiMode } from '../../models/mlfi/mlfi-model.ts';
import { buildMlfi, mlfiArchitectureName } from '../../models/mlfi/mlfi-model.ts';
import type { LayersModel, Tf } from '../../models/runtime/tfjs-types.ts';
import type { ModelManifest } from '../../models/store/model-manifest.ts';
import type { FitOptions } from '../fit/fit-layers-model.ts';
import type { NormalizationGranularity } from '../nn/train-segment-model.ts';

/**
 * Everything that defines how a segment model (CNN or MLFI) is trained: architecture and training schedule.
 * Cross-validation results are cached under a hash of the recipe, so a changed recipe trains afresh.
 */
export interface SegmentRecipe {
  kind: 'cnn' | 'mlfi';
  architecture: string;
  mlfi?: { interaction: MlfiInteraction; mode: MlfiMode };
  /** Upper bound; early stopping on the validation tracks' loss usually ends sooner. */
  epochs: number;
  /** Random crops per training track per epoch. */
  samplesPerTrack: number;
  batchSize: number;
  learningRate: number;
  earlyStoppingPatience: number;
  reduceOnPlateau: NonNullable<FitOptions['reduceOnPlateau']>;
  /** CNN: crops at any frame offset (spliced from neighbouring segments), not only at segment starts. */
  jitter: boolean;
  aggregation: Aggregation;
  normalization: Record<string, NormalizationGranularity>;
  seed: number;
}

/**
 * Dong's CNN. Sized for the budget of this machine (WASM training, about 26 crops/s on a core): at most 32 epochs
 * of 8 crops per training track (at most some 18,200 crops per fold with 71 training tracks), Adam 1e-3 halved
 * after 2 epochs without a better validation loss, stopped after 4. With 16 epochs, 9 of 10 CV folds still had
 * their best validation loss in the last three.
 */
export function cnnRecipe(overrides: Partial<SegmentRecipe> = {}): SegmentRecipe {
  return {
    kind: 'cnn',
    architecture: 'dong-cnn',
    epochs: 32,
    samplesPerTrack: 8,
    batchSize: 32,
    learningRate: 1e-3,
    earlyStoppingPatience: 4,
    reduceOnPlateau: { factor: 0.5, patience: 2, minLearningRate: 1e-5 },
    jitter: true,
    aggregation: 'mean',
    normalization: { melspec: 'mel-band' },
    seed: 1,
    ...overrides,
  };
}

/** MLFI (two-way B by default). About 12 crops/s: at most 12 epochs of 6 crops per training track. */
export function mlfiRecipe(interaction: MlfiInteraction = 'two-way', mode: MlfiMode = 'B', overrides: Partial<SegmentRecipe> = {}): SegmentRecipe {
  return {
    kind: 'mlfi',
    architecture: mlfiArchitectureName(interaction, mode),
    mlfi: { interaction, mode },
    epochs: 12,
    samplesPerTrack: 6,
    batchSize: 32,
    learningRate: 1e-3,
    earlyStoppingPatience: 4,
    reduceOnPlateau: { factor: 0.5, patience: 2, minLearningRate: 1e-5 },
    jitter: false,
    aggregation: 'mean',
    normalization: { melspec: 'mel-band', features: 'last-axis' },
    seed: 1,
    ...overrides,
  };
}

export function buildRecipeModel(recipe: SegmentRecipe, classes: number): (tf: Tf) => LayersModel {
  if (recipe.kind === 'cnn') return (tf) => buildDongCnn(tf, { classes, seed: recipe.seed });
  const { interaction, mode } = recipe.mlfi ?? { interaction: 'two-way', mode: 'B' };
  return (tf) => buildMlfi(tf, { classes, interaction, mode, seed: recipe.seed });
}

const segmentWindow = { seconds: SEGMENT_SAMPLES / GTZAN_SAMPLE_RATE, hopSeconds: SEGMENT_HOP / GTZAN_SAMPLE_RATE };

/** The manifest's input specs: names, shapes and how the analysis engine computes them. */
export function recipeInputs(recipe: SegmentRecipe): ModelManifest['inputs'] {
  if (recipe.kind === 'cnn') {
    return [
      {
        name: 'melspec',
        shape: [-1, CNN_INPUT.mels, CNN_INPUT.frames, 1],
        window: segmentWindow,
        spectrogram: { sampleRate: GTZAN_SAMPLE_RATE, nFft: CNN_INPUT.nFft, hopLength: CNN_INPUT.hop, melBands: CNN_INPUT.mels, frames: CNN_INPUT.frames, compression: CNN_INPUT.compression },
      },
    ];
  }
  return [
    {
      name: 'melspec',
      shape: [-1, MLFI_INPUT.mels, MLFI_INPUT.frames, 1],
      window: segmentWindow,
      spectrogram: { sampleRate: GTZAN_SAMPLE_RATE, nFft: MLFI_INPUT.nFft, hopLength: MLFI_INPUT.hop, melBands: MLFI_INPUT.mels, frames: MLFI_INPUT.frames, compression: 'power_to_db(ref=1, top_db=80)' },
    },
    { name: 'features', shape: [-1, mlfiFeatureNames.length], features: [...mlfiFeatureNames], window: segmentWindow },
  ];
}
