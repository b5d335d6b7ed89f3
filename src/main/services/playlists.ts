import { isAbsolute } from 'node:path';
import { trackQuerySchema } from '../../shared/api/library.ts';
import type {
  ParsedPlaylistRequest,
  PlaylistExportResult,
  PlaylistFormat,
  PlaylistPreview,
  PlaylistSort,
} from '../../shared/api/playlists.ts';
import { ApiError } from '../../shared/errors.ts';
import { PlaylistExportError, writePlaylists } from '../core/playlists/export-playlists.ts';
import { readUnsureThreshold } from '../core/db/library-settings.ts';
import { planPlaylists } from '../core/playlists/plan-playlists.ts';
import type { PlaylistPlan } from '../core/playlists/plan-playlists.ts';
import { uniqueFileNames } from '../core/playlists/playlist-file-name.ts';
import type { AppContext } from './app-context.ts';
import type { HandlerSet } from './handler-set.ts';

/** The playlists a request selects; a view is resolved exactly as the library table resolves it. */
export function planRequest(ctx: AppContext, request: ParsedPlaylistRequest): PlaylistPlan {
  const viewIds = request.view ? ctx.trackQueries.resultIds(trackQuerySchema.parse(request.view)) : null;
  return planPlaylists(ctx.db, request, { viewIds, unsureThreshold: readUnsureThreshold(ctx.db) });
}

const plural = (n: number, word: string): string => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

/** Why nothing would be written, in a sentence: what was asked and what was left out. */
export function nothingToExport(plan: PlaylistPlan, request: ParsedPlaylistRequest): string {
  const what = request.allGenres || request.genres?.length
    ? request.genres?.length
      ? `No track has the genre ${plan.emptyGenres.join(', ') || request.genres.join(', ')}`
      : 'No track has a genre'
    : 'No playable track in this view';
  const source = { label: ' in its label', prediction: ' in its prediction', 'label-or-prediction': '' }[request.source];
  const l = plan.leftOut;
  const why = [
    l.unsure > 0 ? `${plural(l.unsure, 'unsure prediction')} (under ${Math.round(plan.unsureThreshold * 100)}%) left out; include unsure predictions to keep them` : '',
    l.belowConfidence > 0 ? `${plural(l.belowConfidence, 'prediction')} under the least confidence left out` : '',
    l.unplayable > 0 ? `${plural(l.unplayable, 'track')} missing or unreadable at the last scan left out` : '',
  ].filter(Boolean);
  const genreWhat = request.view && (request.allGenres || request.genres?.length) ? `${what}${source} in this view` : `${what}${request.view ? '' : source}`;
  return `${genreWhat}; nothing was written.${why.length ? ` (${why.join('; ')}.)` : ''}`;
}

export function previewPlaylists(ctx: AppContext, request: ParsedPlaylistRequest, format: PlaylistFormat, first: number): PlaylistPreview {
  const plan = planRequest(ctx, request);
  const names = uniqueFileNames(plan.playlists.map((p) => p.name), format);
  return {
    playlists: plan.playlists.map((p, k) => ({ name: p.name, genre: p.genre, fileName: names[k], count: p.entries.length, first: p.entries.slice(0, first) })),
    emptyGenres: plan.emptyGenres,
    leftOut: plan.leftOut,
    unsureThreshold: plan.unsureThreshold,
    seed: plan.seed,
  };
}

function fsMessage(error: unknown): string | null {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const path = (error as NodeJS.ErrnoException | null)?.path;
  const where = path ? ` (${path})` : '';
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return `No permission to write there${where}.`;
    case 'EROFS':
      return `That folder is on a read-only file system${where}.`;
    case 'ENOSPC':
      return `The disk is full${where}.`;
    case 'ENOTDIR':
      return `A part of the path is a file, not a folder${where}.`;
    case 'ENAMETOOLONG':
      return `The path is too long${where}.`;
    default:
      return null;
  }
}

/** Writes the playlists a request selects to `out` (a folder, or a file for one playlist). */
export function exportPlaylists(
  ctx: AppContext,
  input: { request: ParsedPlaylistRequest; format: PlaylistFormat; out: string; paths: 'relative' | 'absolute' },
): PlaylistExportResult {
  const { request, format, out, paths } = input;
  if (!isAbsolute(out)) {
    throw new ApiError('invalid_input', `Give the full path of the folder or file to write, on the machine running Genre Tagger (not "${out}").`);
  }
  const plan = planRequest(ctx, request);
  if (plan.playlists.length === 0) throw new ApiError('invalid_input', nothingToExport(plan, request));
  const sort: PlaylistSort = request.sort ?? 'artist';
  try {
    const written = writePlaylists(plan.playlists, { format, out, paths, sort, limit: request.limit });
    return {
      files: written.files,
      emptyGenres: plan.emptyGenres,
      leftOut: { ...plan.leftOut, unplayable: plan.leftOut.unplayable + written.skipped },
      unsureThreshold: plan.unsureThreshold,
      seed: plan.seed,
      absoluteFallbacks: written.absoluteFallbacks,
    };
  } catch (error) {
    if (error instanceof PlaylistExportError) throw new ApiError('invalid_input', error.message);
    const message = fsMessage(error);
    if (message) throw new ApiError('invalid_input', `Could not write the playlist: ${message}`);
    throw error;
  }
}

export function playlistsHandlers(ctx: AppContext): HandlerSet<'playlists.'> {
  return {
    'playlists.preview': ({ request, format, first }) => previewPlaylists(ctx, request, format, first),
    'playlists.export': (input) => exportPlaylists(ctx, input),
  };
}
