import { z } from '../zod.ts';
import { method } from '../method.ts';
import type { LabelSource } from './label-source.ts';

export type TrackStatus = 'ok' | 'error' | 'missing';

export interface LibraryRoot {
  id: number;
  path: string;
  addedAt: number;
  lastScanAt: number | null;
  trackCount: number;
  errorCount: number;
  missingCount: number;
}

/** The tracks a library folder lists, whatever their status (as its subfolders count them): readable, unreadable, missing. */
export function listedTrackCount(root: LibraryRoot): number {
  return root.trackCount + root.errorCount + root.missingCount;
}

/** One row of the library table. */
export interface TrackRow {
  id: number;
  rootId: number;
  path: string;
  dir: string;
  filename: string;
  title: string | null;
  artist: string | null;
  album: string | null;
  /** Genres as the file's tags hold them, in order. */
  genres: string[];
  durationS: number | null;
  /** Short container/codec name: mp3, flac, ogg, opus, m4a, wav, aiff, wma … */
  format: string | null;
  status: TrackStatus;
  error: string | null;
  /** The current top prediction, when the track has been classified. */
  predictedGenre: string | null;
  confidence: number | null;
  /** The prediction's confidence is under the library's unsure threshold: shown as a guess, not as a genre. */
  unsure: boolean;
  /** The person's genres for the track (a correction, an accepted prediction or imported from its tag), or null. */
  label: string[] | null;
  labelSource: LabelSource | null;
  /** Why listening to the track failed, when its last analysis failed (a file that cannot be decoded at all is status 'error'). */
  analysisError: string | null;
}

export interface TrackDetail extends TrackRow {
  albumArtist: string | null;
  year: number | null;
  trackNo: number | null;
  codec: string | null;
  sampleRate: number | null;
  channels: number | null;
  bitrate: number | null;
  sizeBytes: number;
  mtimeMs: number;
  addedAt: number;
  scannedAt: number | null;
  missingSince: number | null;
}

export const sortColumns = [
  'title',
  'artist',
  'album',
  'genre',
  'duration',
  'format',
  'path',
  'predicted',
  'confidence',
] as const;
export type SortColumn = (typeof sortColumns)[number];

/**
 * The library view's filter: what the table shows, and what actions "on the whole view" (bulk labels, tag writes,
 * playlists) resolve in the main process exactly as the table does. Every condition narrows; all must hold.
 */
export const trackFilterShape = {
  /** Text typed in the search box: matched against title, artist, album, genre and path. */
  search: z.string().max(500).optional(),
  /** Only tracks below this folder (a library root or any folder inside one). */
  folder: z.string().max(4096).optional(),
  status: z.enum(['ok', 'error', 'missing']).optional(),
  /** Only tracks whose top predicted genre is this one. */
  predicted: z.string().max(200).optional(),
  /** Only tracks whose top prediction has at least this probability (0..1). */
  minConfidence: z.number().min(0).max(1).optional(),
  /** Only tracks whose top prediction has less than this probability (0..1): "confidence below X". */
  maxConfidence: z.number().min(0).max(1).optional(),
  /** true: only tracks with a label (of any source); false: only tracks without one. */
  labelled: z.boolean().optional(),
  /** Only tracks whose prediction is under the library's unsure threshold (`settings.unsureThreshold`). */
  unsure: z.boolean().optional(),
  /** Only tracks whose base models (CNN, MLFI, SVM) disagree on the top genre. */
  disagree: z.boolean().optional(),
};
export const trackFilterSchema = z.object(trackFilterShape).strict();
export type TrackFilter = z.input<typeof trackFilterSchema>;

export const trackQuerySchema = z
  .object({
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(1000).default(100),
    sort: z.enum(sortColumns).default('artist'),
    dir: z.enum(['asc', 'desc']).default('asc'),
    ...trackFilterShape,
  })
  .strict();
export type TrackQuery = z.input<typeof trackQuerySchema>;

export interface TrackPage {
  total: number;
  offset: number;
  rows: TrackRow[];
}

export interface ScanSummary {
  roots: number;
  seen: number;
  added: number;
  changed: number;
  unchanged: number;
  moved: number;
  missing: number;
  failed: number;
  /** Files and folders the scan could not list or open (scan issues: permission denied, a broken link, an undecodable name). */
  skipped: number;
  cancelled: boolean;
  elapsedMs: number;
}

/** A file or folder the last scan of its library folder could not list or open. */
export interface ScanIssue {
  path: string;
  error: string;
  seenAt: number;
}

/** What taking tracks out of the library takes with them (or, for a dry run, would). */
export interface LibraryRemoval {
  /** The tracks: they leave the library with their predictions; their files (where there are any) are not touched. */
  tracks: number;
  /** Labels of those tracks, and of them the person's own (corrected or accepted; the others came from tags). */
  labels: number;
  yourLabels: number;
}

/** A library folder taken out of the library, with its tracks. */
export interface RemoveRootResult extends LibraryRemoval {
  removed: boolean;
  path: string;
}

export interface FolderNode {
  path: string;
  trackCount: number;
}

export const libraryApi = {
  'library.roots': method(z.object({}).strict()).returns<LibraryRoot[]>(),
  'library.addRoot': method(z.object({ path: z.string().min(1).max(4096) }).strict()).returns<LibraryRoot>(),
  /** Takes a folder and its tracks (predictions, labels) out of the library; the files stay. dryRun counts only. */
  'library.removeRoot': method(z.object({ id: z.number().int().positive(), dryRun: z.boolean().optional() }).strict()).returns<RemoveRootResult>(),
  /** Forgets the tracks whose files the scans found missing (predictions, labels); dryRun counts only. */
  'library.forgetMissing': method(z.object({ dryRun: z.boolean().optional() }).strict()).returns<LibraryRemoval>(),
  /** Scans the folders (all when omitted); unless `classify` is false, then classifies new and changed tracks. */
  'library.scan': method(
    z.object({ rootIds: z.array(z.number().int().positive()).max(10_000).optional(), classify: z.boolean().optional() }).strict(),
  ).returns<{ jobId: string }>(),
  'library.query': method(trackQuerySchema).returns<TrackPage>(),
  'library.track': method(z.object({ id: z.number().int().positive() }).strict()).returns<TrackDetail>(),
  'library.folders': method(
    z.object({ parent: z.string().max(4096).optional() }).strict(),
  ).returns<FolderNode[]>(),
  /** What the last scans skipped (files and folders they could not list or open), by path; at most `limit`. */
  'library.scanIssues': method(z.object({ limit: z.number().int().min(1).max(10_000).optional() }).strict()).returns<{
    total: number;
    issues: ScanIssue[];
  }>(),
};
