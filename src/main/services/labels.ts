import type { LabelSource } from '../../shared/api/labels.ts';
import { ApiError } from '../../shared/errors.ts';
import { clearLabels, getLabels, setLabels, unknownTrackIds } from '../core/db/track-labels.ts';
import { normalizeGenres } from '../core/tags/taxonomy.ts';
import type { AppContext } from './app-context.ts';
import { bulkLabels, undoBulkLabels } from './bulk-labels.ts';
import type { HandlerSet } from './handler-set.ts';
import { importTags, labelSummary } from './personal.ts';

/** Sets a person's label on tracks; all or nothing: an unknown track id leaves every label as it was. */
export function setTrackLabels(ctx: AppContext, trackIds: number[], genres: string[], source: LabelSource): { updated: number } {
  const unknown = unknownTrackIds(ctx.db, trackIds);
  if (unknown.length > 0) {
    throw new ApiError('not_found', `No track with id ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ` (and ${unknown.length - 5} more)` : ''}`);
  }
  const updated = setLabels(ctx.db, trackIds, normalizeGenres(genres, null), source);
  ctx.events.emit('library.changed', { reason: 'labels' });
  return { updated };
}

export function labelHandlers(ctx: AppContext): HandlerSet<'labels.'> {
  return {
    'labels.set': ({ trackIds, genres, source }) => setTrackLabels(ctx, trackIds, genres, source),
    'labels.clear': ({ trackIds }) => {
      const cleared = clearLabels(ctx.db, trackIds);
      if (cleared > 0) ctx.events.emit('library.changed', { reason: 'labels' });
      return { cleared };
    },
    'labels.get': ({ trackIds }) => getLabels(ctx.db, trackIds),
    'labels.bulk': (request) => bulkLabels(ctx, request),
    'labels.undoBulk': ({ token }) => undoBulkLabels(ctx, token),
    'labels.summary': () => labelSummary(ctx),
    'labels.importTags': (input) => importTags(ctx, input),
  };
}
