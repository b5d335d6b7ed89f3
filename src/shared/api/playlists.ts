import { z } from '../zod.ts';
import { method } from '../method.ts';
import { trackQuerySchema } from './library.ts';
import { genreNameSchema } from './tags.ts';

/**
 * Playlists by genre. A UI dialog works like this:
 * 1. `playlists.preview` with a request -> one entry per playlist it would write (name, file name, track count, the
 *    first entries) and how many tracks were left out and why. Nothing is written.
 * 2. `playlists.export` with the same request, a format, the output (a folder, or a file for one playlist) and the
 *    path style -> the files written. Each file is written atomically; no other file in the folder is touched.
 */

export const playlistFormats = ['m3u8', 'xspf', 'nsp'] as const;
/** m3u8: extended M3U in UTF-8; xspf: XML Shareable Playlist Format 1; nsp: a Navidrome smart playlist (by genre tag). */
export type PlaylistFormat = (typeof playlistFormats)[number];

export const playlistSources = ['label', 'prediction', 'label-or-prediction'] as const;
/** Where a track's genres come from: the person's label, the prediction, or the label where there is one. */
export type PlaylistSource = (typeof playlistSources)[number];

export const playlistSorts = ['artist', 'album', 'title', 'path', 'confidence', 'random'] as const;
/**
 * artist: artist, album, track number, title; album: album, track number; confidence: most confident first (labels
 * count as certain); random: shuffled with `seed`. There is no disc number in the library yet: an album's discs
 * sort by track number only.
 */
export type PlaylistSort = (typeof playlistSorts)[number];

/** The library view's filter, exactly as `library.query` takes it (without paging): the same schema, so new filters follow. */
export const viewFilterSchema = trackQuerySchema.omit({ offset: true, limit: true });
export type ViewFilter = z.input<typeof viewFilterSchema>;

export const playlistRequestSchema = z
  .object({
    /**
     * Only tracks of the library view with this filter. Without genres (and allGenres): one playlist of exactly the
     * view's tracks, in the view's order unless `sort` says otherwise.
     */
    view: viewFilterSchema.optional(),
    /** One playlist per genre named here (matched ignoring case, spaces and hyphens). */
    genres: z.array(genreNameSchema).max(500).optional(),
    /** One playlist per genre found in the selection. */
    allGenres: z.boolean().optional(),
    /** Genres to leave out (with allGenres). */
    excludeGenres: z.array(genreNameSchema).max(500).optional(),
    source: z.enum(playlistSources).default('label-or-prediction'),
    /** Predictions below this confidence are left out (labels are never). */
    minConfidence: z.number().min(0).max(1).optional(),
    /** Keep predictions under the unsure threshold (left out by default). */
    includeUnsure: z.boolean().default(false),
    sort: z.enum(playlistSorts).optional(),
    /** Seed of the random order; omitted: a new seed each time (reported in the result). */
    seed: z.number().int().min(0).max(0xffffffff).optional(),
    /** At most this many tracks per playlist (after sorting). */
    limit: z.number().int().min(1).max(1_000_000).optional(),
    /** Name of a view playlist (default: from the view's filter). */
    name: genreNameSchema.optional(),
  })
  .strict()
  .refine((r) => !(r.allGenres && r.genres?.length), 'Choose --genre or --all-genres, not both')
  .refine((r) => r.view !== undefined || r.allGenres || (r.genres?.length ?? 0) > 0, 'Choose at least one genre, all genres, or a view');
export type PlaylistRequest = z.input<typeof playlistRequestSchema>;
export type ParsedPlaylistRequest = z.output<typeof playlistRequestSchema>;

export interface PlaylistEntry {
  trackId: number;
  path: string;
  title: string | null;
  artist: string | null;
  album: string | null;
  trackNo: number | null;
  durationS: number | null;
  /** Why the track is in this playlist: its label, its prediction, or the view it was in. */
  reason: 'label' | 'prediction' | 'view';
  /** The prediction's confidence when the reason is a prediction. */
  confidence: number | null;
}

export interface PlaylistLeftOut {
  /** Predictions under the unsure threshold. */
  unsure: number;
  /** Predictions under minConfidence. */
  belowConfidence: number;
  /** Tracks that were missing or unreadable at the last scan (a player could not play them). */
  unplayable: number;
  /** Tracks without a genre from the source (no label, no prediction). */
  noGenre: number;
  /** Tracks cut by the limit, over all playlists. */
  overLimit: number;
}

export interface PlannedPlaylistInfo {
  name: string;
  /** The genre the playlist is for; null for a view playlist. */
  genre: string | null;
  /** File name in the output folder, e.g. "Hip Hop.m3u8". */
  fileName: string;
  count: number;
  /** The first entries, in playlist order. */
  first: PlaylistEntry[];
}

export interface PlaylistPreview {
  playlists: PlannedPlaylistInfo[];
  /** Genres asked for by name that have no track. */
  emptyGenres: string[];
  leftOut: PlaylistLeftOut;
  unsureThreshold: number;
  /** The seed used when the sort is random. */
  seed: number | null;
}

export interface WrittenPlaylist {
  name: string;
  genre: string | null;
  path: string;
  count: number;
  /** True when a playlist of that name was there before and was replaced. */
  replaced: boolean;
}

export interface PlaylistExportResult {
  files: WrittenPlaylist[];
  emptyGenres: string[];
  leftOut: PlaylistLeftOut;
  unsureThreshold: number;
  seed: number | null;
  /** Entries written as absolute paths because no relative path leads there (another drive). */
  absoluteFallbacks: number;
}

export const playlistExportSchema = z
  .object({
    request: playlistRequestSchema,
    format: z.enum(playlistFormats).default('m3u8'),
    /**
     * Where to write, on the machine running the library: a folder (one file per playlist, named after it), or a
     * file path ending in the format's extension (one playlist only).
     */
    out: z.string().trim().min(1, 'Say where to write the playlist').max(4096),
    /** relative: paths relative to the playlist file (works when music and playlists move together); absolute. */
    paths: z.enum(['relative', 'absolute']).default('relative'),
  })
  .strict();
export type PlaylistExportInput = z.input<typeof playlistExportSchema>;

export const playlistsApi = {
  'playlists.preview': method(
    z.object({ request: playlistRequestSchema, format: z.enum(playlistFormats).default('m3u8'), first: z.number().int().min(0).max(100).default(5) }).strict(),
  ).returns<PlaylistPreview>(),
  'playlists.export': method(playlistExportSchema).returns<PlaylistExportResult>(),
};
