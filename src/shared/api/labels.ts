import { z } from 'zod';
import { method } from '../method.ts';
import { genreNameSchema } from './tags.ts';

/**
 * accepted: the person confirmed the prediction; corrected: the person gave other genres; tag: imported from the
 * genre tag already in the file (a correction or an accepted prediction always wins over it).
 */
export type LabelSource = 'accepted' | 'corrected' | 'tag';

/** The genres a person gave a track. Tag write-back can write them; training will learn from corrections. */
export interface TrackLabel {
  trackId: number;
  genres: string[];
  source: LabelSource;
  createdAt: number;
  updatedAt: number;
}

const trackIds = z.array(z.number().int().positive()).min(1).max(200_000);

export const labelsApi = {
  /** Sets (or replaces) the label of each track. Unknown track ids are an error; nothing is written then. */
  'labels.set': method(
    z
      .object({
        trackIds,
        genres: z.array(genreNameSchema).min(1).max(20),
        source: z.enum(['accepted', 'corrected']),
      })
      .strict(),
  ).returns<{ updated: number }>(),
  'labels.clear': method(z.object({ trackIds }).strict()).returns<{ cleared: number }>(),
  /** The labels of these tracks (tracks without one are left out). */
  'labels.get': method(z.object({ trackIds }).strict()).returns<TrackLabel[]>(),
};
