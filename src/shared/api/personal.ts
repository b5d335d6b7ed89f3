import { z } from '../zod.ts';
import { method } from '../method.ts';
import type { LabelSource } from './labels.ts';

/** Per-genre label counts, with where the labels came from. */
export interface LabelGenreCount {
  genre: string;
  count: number;
  bySource: Record<LabelSource, number>;
  /** Labelled tracks still missing before the genre is predicted (0 when it has enough). */
  needed: number;
  /**
   * Its labelled tracks that have been listened to (they have an embedding): a retrain learns only from these, so a
   * genre is learnt once this reaches minExamples, not its label count alone.
   */
  listened: number;
  /**
   * The base models' label for the genre (after the alias map: "Hip Hop" -> "hiphop"), null where they cannot name
   * it ("Soundtrack", "Dub & Reggae"): until a personal model is active, nothing suggests that genre.
   */
  baseLabel: string | null;
}

export interface LabelSummary {
  labelled: number;
  bySource: Record<LabelSource, number>;
  genres: LabelGenreCount[];
  /** A genre needs this many labelled tracks before the personal model predicts it. */
  minExamples: number;
  /** Labelled tracks that have not been listened to with this version yet (no embedding): classify brings them in. */
  notListened: number;
  /** The prediction confidence under which a track is shown as unsure. */
  unsureThreshold: number;
  /**
   * Readable tracks whose files carry a genre tag (any value, placeholders such as "Other" included): what
   * 'labels.importTags' reads. The app offers the import while this is above 0.
   */
  tagged: number;
}

export interface ImportTagsResult {
  dryRun: boolean;
  /** Tracks whose tag holds at least one usable genre. */
  tracks: number;
  created: number;
  updated: number;
  unchanged: number;
  removed: number;
  keptPersonal: number;
  /** Genres the import gives, with their track counts (what a dry run would import). */
  genres: { genre: string; count: number }[];
  /** Tag values ignored as placeholders ("Other", "Unknown", …), with how many tracks hold them. */
  junk: { value: string; count: number }[];
}

export interface MetricsSummary {
  name: string;
  n: number;
  accuracy: number;
  macroF1: number;
  labels: string[];
  perClass: { label: string; precision: number; recall: number; f1: number; support: number }[];
  confusion: number[][];
}

export interface PersonalReport {
  folds: number;
  grouping: 'album';
  evaluated: number;
  groups: number;
  genres: string[];
  needMore: { genre: string; count: number; needed: number }[];
  candidate: MetricsSummary;
  active: MetricsSummary | null;
  /**
   * Of `genres`, those the active model can name (null without an active model; absent from reports stored before
   * it was recorded). A model that names none of them is right on none by construction: nothing to compare.
   */
  comparable?: string[] | null;
  better: boolean;
  elapsedMs: number;
}

export interface PersonalVersionInfo {
  version: string;
  createdAt: number;
  activatedAt: number | null;
  active: boolean;
  genres: string[];
  report: PersonalReport;
}

/** The result of a retrain job (JobInfo.result of a 'retrain' job). */
export interface RetrainSummary {
  version: string;
  activated: boolean;
  /** Why it was or was not activated, in words. */
  reason: string;
  report: PersonalReport;
  /** Tracks re-predicted from their stored embeddings after activation, and how long that took. */
  repredicted: number;
  repredictMs: number;
  labelled: number;
  /** Labelled tracks left out: not listened to yet (no embedding). */
  notListened: number;
}

export interface ReviewItem {
  trackId: number;
  path: string;
  title: string | null;
  artist: string | null;
  album: string | null;
  predictedGenre: string | null;
  confidence: number | null;
  /** The suggestions to pick from: the current model's genres, best first. */
  suggestions: { genre: string; probability: number }[];
  score: number;
  uncertainty: number;
  density: number;
  novelty: number;
  disagreement: number;
  /** Why it is worth labelling, in words. */
  why: string;
}

export const personalApi = {
  'labels.summary': method(z.object({}).strict()).returns<LabelSummary>(),
  /** Imports the genres in the files' tags as labels (per folder, or the whole library); dryRun counts only. */
  'labels.importTags': method(
    z.object({ folder: z.string().min(1).max(4096).optional(), dryRun: z.boolean().optional() }).strict(),
  ).returns<ImportTagsResult>(),
  /** Trains a personal model from the library's labels in a worker (job kind 'retrain'). */
  'personal.retrain': method(
    z.object({ activate: z.enum(['if-better', 'always', 'never']).optional(), folds: z.number().int().min(2).max(20).optional() }).strict(),
  ).returns<{ jobId: string }>(),
  'personal.versions': method(z.object({}).strict()).returns<PersonalVersionInfo[]>(),
  /** Activates a personal version (null: none; the base models speak again) and re-predicts every track. */
  'personal.activate': method(z.object({ version: z.string().min(1).max(200).nullable() }).strict()).returns<{ version: string | null; predicted: number }>(),
  /** Activates the version that was active before the current one (or none). */
  'personal.rollback': method(z.object({}).strict()).returns<{ version: string | null; predicted: number }>(),
  /** The unlabelled tracks whose label would teach the model most, best first. */
  'personal.review': method(z.object({ limit: z.number().int().min(1).max(1000).optional() }).strict()).returns<ReviewItem[]>(),
  'personal.setUnsureThreshold': method(z.object({ threshold: z.number().min(0).max(1) }).strict()).returns<{ threshold: number }>(),
};

/**
 * Where the report's active model names some of its genres but not all: how many of how many (it cannot be right on
 * the others, so its accuracy beside the new version's is no like-for-like comparison); else null.
 */
export function activeNamesPart(report: PersonalReport): { named: number; of: number } | null {
  const c = report.comparable;
  return report.active !== null && c && c.length > 0 && c.length < report.genres.length ? { named: c.length, of: report.genres.length } : null;
}

/** The report's active model names none of its genres (the base models against a taxonomy of the person's own). */
export function activeNamesNone(report: PersonalReport): boolean {
  return report.active !== null && report.comparable?.length === 0;
}
