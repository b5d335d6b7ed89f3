import { openSegmentModel } from '../kinds/open-segment-model.ts';
import type { SegmentModelKind } from '../kinds/model-kind.ts';
import { mlfiRecipeBook } from './mlfi-recipe.ts';

/** The MLFI network on each 3 s segment's dB mel spectrogram (128 bands x 130 frames) and 55 of its features. */
export const mlfiKind: SegmentModelKind<'mlfi'> = {
  name: 'mlfi',
  title: 'MLFI',
  role: 'segment',
  preference: 2,
  open: openSegmentModel,
  training: mlfiRecipeBook,
};
