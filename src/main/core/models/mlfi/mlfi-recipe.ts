import { GTZAN_SAMPLE_RATE, MLFI_INPUT } from '../../features/index.ts';
import { mlfiFeatureNames } from '../feature-columns.ts';
import type { SegmentRecipe, SegmentRecipeBook, SegmentRecipeOptions } from '../kinds/segment-recipe.ts';
import { segmentInputWindow } from '../kinds/segment-recipe.ts';
import type { MlfiInteraction, MlfiMode } from './mlfi-model.ts';
import { buildMlfi, mlfiArchitectureName } from './mlfi-model.ts';

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

/** How training makes an MLFI: the recipe above in the variant asked for, a dB mel input and the 55 features. */
export const mlfiRecipeBook: SegmentRecipeBook = {
  recipe(options) {
    const overrides: Partial<SegmentRecipe> = {};
    if (options.epochs !== undefined) overrides.epochs = options.epochs;
    if (options.seed !== undefined) overrides.seed = options.seed;
    if (options.aggregation !== undefined) overrides.aggregation = options.aggregation;
    return mlfiRecipe(options.interaction ?? 'two-way', options.mode ?? 'B', overrides);
  },
  optionsOf(manifest): SegmentRecipeOptions {
    const recipe = (manifest.training.params.recipe ?? null) as { mlfi?: { interaction: MlfiInteraction; mode: MlfiMode } } | null;
    return recipe?.mlfi ? { interaction: recipe.mlfi.interaction, mode: recipe.mlfi.mode } : {};
  },
  build(recipe, classes) {
    const { interaction, mode } = recipe.mlfi ?? { interaction: 'two-way', mode: 'B' };
    return (tf) => buildMlfi(tf, { classes, interaction, mode, seed: recipe.seed });
  },
  inputs: () => [
    {
      name: 'melspec',
      shape: [-1, MLFI_INPUT.mels, MLFI_INPUT.frames, 1],
      window: segmentInputWindow,
      spectrogram: { sampleRate: GTZAN_SAMPLE_RATE, nFft: MLFI_INPUT.nFft, hopLength: MLFI_INPUT.hop, melBands: MLFI_INPUT.mels, frames: MLFI_INPUT.frames, compression: 'power_to_db(ref=1, top_db=80)' },
    },
    { name: 'features', shape: [-1, mlfiFeatureNames.length], features: [...mlfiFeatureNames], window: segmentInputWindow },
  ],
};
