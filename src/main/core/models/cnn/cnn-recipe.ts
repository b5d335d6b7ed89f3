import { CNN_INPUT, GTZAN_SAMPLE_RATE } from '../../features/index.ts';
import type { SegmentRecipe, SegmentRecipeBook } from '../kinds/segment-recipe.ts';
import { segmentInputWindow } from '../kinds/segment-recipe.ts';
import { buildDongCnn } from './dong-cnn.ts';

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

/** How training makes a CNN: the recipe above, Dong's network, one ln(1 + 10^4 mel) input. */
export const cnnRecipeBook: SegmentRecipeBook = {
  recipe(options) {
    const overrides: Partial<SegmentRecipe> = {};
    if (options.epochs !== undefined) overrides.epochs = options.epochs;
    if (options.seed !== undefined) overrides.seed = options.seed;
    if (options.aggregation !== undefined) overrides.aggregation = options.aggregation;
    return cnnRecipe(overrides);
  },
  optionsOf: () => ({}),
  build: (recipe, classes) => (tf) => buildDongCnn(tf, { classes, seed: recipe.seed }),
  inputs: () => [
    {
      name: 'melspec',
      shape: [-1, CNN_INPUT.mels, CNN_INPUT.frames, 1],
      window: segmentInputWindow,
      spectrogram: { sampleRate: GTZAN_SAMPLE_RATE, nFft: CNN_INPUT.nFft, hopLength: CNN_INPUT.hop, melBands: CNN_INPUT.mels, frames: CNN_INPUT.frames, compression: CNN_INPUT.compression },
    },
  ],
};
