import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { BulkLabelResult, bulkLabelRequestSchema } from '../../shared/api/labels.ts';
import { trackQuerySchema } from '../../shared/api/library.ts';
import { ApiError } from '../../shared/errors.ts';
import { applyBulkLabels, undoLabelEdits } from '../core/db/bulk-labels.ts';
import type { BulkLabelChange, LabelEdit } from '../core/db/bulk-labels.ts';
import { unknownTrackIds } from '../core/db/track-labels.ts';
import { normalizeGenres } from '../core/tags/taxonomy.ts';
import type { AppContext } from './app-context.ts';

type ParsedBulkRequest = z.output<typeof bulkLabelRequestSchema>;

/** The last bulk action of each open library, to undo it: kept in memory (an undo is for the session). */
const lastBulk = new WeakMap<AppContext, { token: string; edits: LabelEdit[] }>();

const plural = (n: number, word: string): string => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

function describe(r: ParsedBulkRequest, changed: number): string {
  if (r.action === 'accept') return `Accepted the predictions of ${plural(changed, 'track')}`;
  if (r.action === 'set') return `Labelled ${plural(changed, 'track')} as ${r.genres!.join('; ')}`;
  return `Cleared the labels of ${plural(changed, 'track')}`;
}

/**
 * One label action on many tracks (by id, or every track of a library view resolved as the table resolves it), in
 * one transaction. All or nothing: an unknown track id changes no label.
 */
export function bulkLabels(ctx: AppContext, r: ParsedBulkRequest): BulkLabelResult {
  let ids: number[];
  if ('trackIds' in r.target) {
    ids = [...new Set(r.target.trackIds)];
    const unknown = unknownTrackIds(ctx.db, ids);
    if (unknown.length > 0) {
      throw new ApiError('not_found', `No track with id ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ` (and ${unknown.length - 5} more)` : ''}; no label was changed`);
    }
  } else ids = Array.from(ctx.trackQueries.resultIds(trackQuerySchema.parse(r.target.view)));
  const change: BulkLabelChange = r.action === 'set' ? { kind: 'set', genres: r.genres! } : { kind: r.action };
  const outcome = applyBulkLabels(ctx.db, ids, change, (g) => normalizeGenres(g, null));
  let undoToken: string | null = null;
  if (outcome.edits.length > 0) {
    undoToken = randomUUID();
    lastBulk.set(ctx, { token: undoToken, edits: outcome.edits });
    ctx.events.emit('library.changed', { reason: 'labels' });
  }
  return {
    action: r.action,
    total: ids.length,
    changed: outcome.edits.length,
    unchanged: outcome.unchanged,
    noPrediction: outcome.noPrediction,
    keptCorrections: outcome.keptCorrections,
    undoToken,
    description: describe(r, outcome.edits.length),
  };
}

/** Undoes the last bulk action, when `token` is its token; a track labelled again since keeps its newer label. */
export function undoBulkLabels(ctx: AppContext, token: string): { restored: number; kept: number } {
  const last = lastBulk.get(ctx);
  if (!last || last.token !== token) {
    throw new ApiError('conflict', 'This bulk action can no longer be undone: only the last one can (and only once).');
  }
  lastBulk.delete(ctx);
  const result = undoLabelEdits(ctx.db, last.edits);
  if (result.restored > 0) ctx.events.emit('library.changed', { reason: 'labels' });
  return result;
}
