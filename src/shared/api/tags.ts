import { z } from '../zod.ts';
import { method } from '../method.ts';
import { trackFilterSchema } from './library.ts';

/**
 * Tag write-back: preview which genres would be written where, apply them as a job (progress, cancel, per-file
 * results), list past batches and undo any of them.
 *
 * A UI panel works like this:
 * 1. `tags.preview` with a request (selection, source, mode) -> summary counts and one page of rows, each with
 *    the file's current genres, the genres it would get and the tag frame that changes. Nothing is touched.
 *    Rows the person unticks go into `selection.excludeTrackIds`.
 * 2. `tags.apply` with the same request -> `{ jobId, batchId }`. `job.progress` events (kind 'tag-write') carry
 *    done/total/ETA; `tags.results` events carry each file's outcome as it is written; `jobs.cancel` stops after
 *    the file in hand (every file is either old or new, never half-written).
 * 3. `tags.history` lists batches (newest first) with counts and `canUndo`; `tags.batch` pages one batch's
 *    per-file results; `tags.undo` starts a job (kind 'tag-undo') that puts back exactly what each file held.
 */

export const tagModes = ['replace', 'add', 'fill'] as const;
/** replace: the genre field becomes the new genres; add: new genres are appended, existing ones kept; fill: only files without a genre. */
export type TagMode = (typeof tagModes)[number];

export const genreSources = ['genres', 'prediction', 'label', 'label-or-prediction'] as const;
/**
 * Where each track's genres come from. genres: the list in the request (same for every track); prediction: the
 * track's accepted top prediction; label: the person's label (accepted or corrected); label-or-prediction: the
 * label where there is one, else the prediction.
 */
export type GenreSource = (typeof genreSources)[number];

const trackId = z.number().int().positive();
export const genreNameSchema = z
  .string()
  .trim()
  .min(1, 'A genre cannot be empty')
  .max(200)
  .refine((g) => !/[\u0000-\u001f]/.test(g), 'A genre cannot contain control characters');

export const taxonomySchema = z
  .object({
    /** Alias -> genre, e.g. { "Hip-Hop": "Hip Hop" }. Matched ignoring case, spaces, hyphens and underscores. */
    aliases: z.record(z.string().min(1).max(200), genreNameSchema).default({}),
    /** What to do with the case of genres the map does not know: keep as typed, or Title Case. */
    caseStyle: z.enum(['keep', 'title']).default('keep'),
  })
  .strict();
export type Taxonomy = z.output<typeof taxonomySchema>;

export const tagSelectionSchema = z
  .object({
    /** Exactly these tracks. */
    trackIds: z.array(trackId).min(1).max(200_000).optional(),
    /** Tracks matching the library view's filter, exactly as the table shows them (`library.query`'s filter). */
    filter: trackFilterSchema.optional(),
    /** Only tracks whose top prediction is at least this confident (tracks with a label are exempt). */
    minConfidence: z.number().min(0).max(1).optional(),
    /** Tracks unticked in the preview. */
    excludeTrackIds: z.array(trackId).max(200_000).optional(),
  })
  .strict()
  .refine((s) => !(s.trackIds && s.filter), 'Choose tracks either by id or by filter, not both');
export type TagSelection = z.input<typeof tagSelectionSchema>;

export const tagRequestSchema = z
  .object({
    /** Without trackIds or filter: the whole library (narrowed by minConfidence / excludeTrackIds). */
    selection: tagSelectionSchema.default({}),
    source: z.enum(genreSources).default('genres'),
    /** For source 'genres': the genres to write, in order. */
    genres: z.array(genreNameSchema).max(50).optional(),
    mode: z.enum(tagModes).default('replace'),
    /** Alias map applied to the genres before writing. Omitted: the built-in map; null: none. */
    taxonomy: taxonomySchema.nullable().optional(),
    /**
     * Joins several genres in an ID3v2.3 TCON frame (v2.3 holds one string; files already v2.4 keep real
     * multi-values). It must contain ";": that is what the library's scanner and most players split on, so the
     * genres read back as several (e.g. "; ", ";", " ; ").
     */
    id3v23Separator: z
      .string()
      .min(1)
      .max(8)
      .refine((s) => s.trim() === ';', 'The ID3v2.3 separator must be ";" with optional spaces around it (what players split on)')
      .default('; '),
  })
  .strict()
  .refine((r) => r.source !== 'genres' || (r.genres !== undefined && r.genres.length > 0), {
    message: "Source 'genres' needs at least one genre",
    path: ['genres'],
  });
export type TagRequest = z.input<typeof tagRequestSchema>;
export type ParsedTagRequest = z.output<typeof tagRequestSchema>;

export type TagPreviewAction = 'write' | 'unchanged' | 'skip';

export interface TagPreviewRow {
  trackId: number;
  path: string;
  /** Short format name (mp3, flac, ogg, opus, m4a, alac, wav, aiff …). */
  format: string | null;
  /** The tag frame that changes, e.g. "ID3v2.4 TCON", "Vorbis comment GENRE", "MP4 ©gen"; null when skipped. */
  frame: string | null;
  /** Genres as the library last read them from the file. */
  oldGenres: string[];
  /** Genres the file would hold afterwards (equal to oldGenres when unchanged or skipped). */
  newGenres: string[];
  action: TagPreviewAction;
  /** Why a track is skipped or unchanged, for the person. */
  reason: string | null;
  /** Where the genres come from for this track. */
  source: 'genres' | 'prediction' | 'label' | null;
  /** The prediction's confidence, when the genres come from it. */
  confidence: number | null;
  /** The file that really changes when the path is, or goes through, a symbolic link (inside the library folders). */
  linkTarget: string | null;
}

export interface TagPreview {
  /** Tracks in the selection. */
  total: number;
  counts: Record<TagPreviewAction, number>;
  /** Tracks the selection names that the confidence floor left out (their prediction is under it; not in `total`). */
  belowConfidence: number;
  /** Tracks the selection names that the confidence floor left out for having no prediction at all (not in `total`). */
  unpredicted: number;
  offset: number;
  rows: TagPreviewRow[];
}

export type TagFileStatus = 'pending' | 'writing' | 'written' | 'unchanged' | 'skipped' | 'failed';

/** Machine-readable reason of a failed or skipped file; `error` holds the sentence for the person. */
export type TagErrorCode =
  | 'missing'
  | 'changed'
  | 'outside_library'
  | 'read_only'
  | 'permission'
  | 'disk_full'
  | 'unreadable'
  | 'unsupported'
  | 'verify_failed'
  | 'conflict'
  | 'interrupted'
  | 'no_genre'
  | 'io';

/** One file of a batch: what it held, what it holds now, or why it was left alone. */
export interface TagFileResult {
  seq: number;
  trackId: number | null;
  path: string;
  status: TagFileStatus;
  frame: string | null;
  /** Genres found in the file just before the write; null when it was not reached. */
  oldGenres: string[] | null;
  /** Genres written (or planned, while pending). */
  newGenres: string[] | null;
  errorCode: TagErrorCode | null;
  error: string | null;
  /** Id of the batch that undid this write, if any. */
  undoneBy: number | null;
}

export type TagBatchStatus = 'running' | 'done' | 'cancelled' | 'interrupted' | 'failed';

export interface TagBatchInfo {
  id: number;
  kind: 'write' | 'undo';
  /** For an undo batch: the batch it reverses. */
  undoOf: number | null;
  status: TagBatchStatus;
  mode: TagMode | null;
  source: GenreSource | null;
  /** A line for the history list, e.g. "Replace genre with Jazz, Blues in 12 files". */
  description: string;
  createdAt: number;
  finishedAt: number | null;
  counts: {
    /** Files the batch set out to change. */
    planned: number;
    pending: number;
    written: number;
    /** Already as asked (found while planning or when reading the file). */
    unchanged: number;
    skipped: number;
    failed: number;
    /** Written files whose write has since been undone. */
    undone: number;
  };
  error: string | null;
  /** True when at least one written file of this batch can still be undone. */
  canUndo: boolean;
}

export interface TagBatchPage {
  batch: TagBatchInfo;
  total: number;
  offset: number;
  rows: TagFileResult[];
}

const page = { offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(1000).default(100) };

export const tagsApi = {
  'tags.preview': method(
    z.object({ request: tagRequestSchema, ...page }).strict(),
  ).returns<TagPreview>(),
  'tags.apply': method(z.object({ request: tagRequestSchema }).strict()).returns<{ jobId: string; batchId: number }>(),
  'tags.history': method(z.object({ ...page }).strict()).returns<{ total: number; batches: TagBatchInfo[] }>(),
  'tags.batch': method(
    z
      .object({
        id: z.number().int().positive(),
        ...page,
        /** Only rows with these statuses (e.g. ['failed'] for an error list). */
        status: z.array(z.enum(['pending', 'writing', 'written', 'unchanged', 'skipped', 'failed'])).optional(),
      })
      .strict(),
  ).returns<TagBatchPage>(),
  'tags.undo': method(z.object({ batchId: z.number().int().positive() }).strict()).returns<{
    jobId: string;
    batchId: number;
  }>(),
};
