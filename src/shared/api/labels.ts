import { z } from '../zod.ts';
import { method } from '../method.ts';
import type { LabelSource } from './label-source.ts';
import { trackFilterSchema } from './library.ts';
import { genreNameSchema } from './tags.ts';

export type { LabelSource };

/** The genres a person gave a track. Tag write-back can write them; training will learn from corrections. */
export interface TrackLabel {
  trackId: number;
  genres: string[];
  source: LabelSource;
  createdAt: number;
  updatedAt: number;
}

const trackIds = z.array(z.number().int().positive()).min(1).max(200_000);

export const bulkLabelActions = ['accept', 'set', 'clear'] as const;
/**
 * accept: each track gets its own top prediction (source 'accepted'; a track without a prediction, or whose label
 * is a person's correction, is left as it is); set: every track gets `genres` (source 'corrected'); clear: labels
 * are removed.
 */
export type BulkLabelAction = (typeof bulkLabelActions)[number];

export const bulkLabelRequestSchema = z
  .object({
    /** Exactly these tracks, or every track of the library view with this filter (resolved as the table does). */
    target: z.union([z.object({ trackIds }).strict(), z.object({ view: trackFilterSchema }).strict()]),
    action: z.enum(bulkLabelActions),
    /** For 'set': the genres every track gets. */
    genres: z.array(genreNameSchema).min(1).max(20).optional(),
  })
  .strict()
  .refine((r) => (r.action === 'set') === (r.genres !== undefined), {
    message: "Give genres with the action 'set', and only with it",
    path: ['genres'],
  });
export type BulkLabelRequest = z.input<typeof bulkLabelRequestSchema>;

export interface BulkLabelResult {
  action: BulkLabelAction;
  /** Tracks the action was asked for. */
  total: number;
  /** Labels set, replaced or removed. */
  changed: number;
  /** Already as asked. */
  unchanged: number;
  /** accept: tracks without a prediction. */
  noPrediction: number;
  /** accept: tracks whose label is a person's correction, kept. */
  keptCorrections: number;
  /** Undoes exactly this action with `labels.undoBulk` while it is the last one; null when nothing changed. */
  undoToken: string | null;
  /** A line for the person, e.g. "Accepted the predictions of 12 tracks". */
  description: string;
}

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
  /** One label action on many tracks, in one transaction; the last one can be undone. */
  'labels.bulk': method(bulkLabelRequestSchema).returns<BulkLabelResult>(),
  /**
   * Puts back the labels the last bulk action replaced (a track labelled again since keeps its newer label). A token
   * that is not the last bulk action's is an error.
   */
  'labels.undoBulk': method(z.object({ token: z.string().min(1).max(100) }).strict()).returns<{ restored: number; kept: number }>(),
  /** The labels of these tracks (tracks without one are left out). */
  'labels.get': method(z.object({ trackIds }).strict()).returns<TrackLabel[]>(),
};
