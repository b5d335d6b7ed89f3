import { openSegmentModel } from '../kinds/open-segment-model.ts';
import type { SegmentModelKind } from '../kinds/model-kind.ts';
import { cnnRecipeBook } from './cnn-recipe.ts';

/** Dong's CNN on each 3 s segment's ln(1 + 10^4 mel) spectrogram (64 bands x 256 frames). */
export const cnnKind: SegmentModelKind<'cnn'> = {
  name: 'cnn',
  title: 'CNN',
  role: 'segment',
  preference: 1,
  open: openSegmentModel,
  training: cnnRecipeBook,
};
