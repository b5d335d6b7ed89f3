import type { ParsedTagRequest, TagErrorCode, TagPreviewAction, Taxonomy } from '../../../shared/api/tags.ts';
import type { Database } from '../db/database.ts';
import { tagSelectionRows } from '../db/tag-selection.ts';
import { writableFormats } from './genre-tag.ts';
import { libraryRoots, outsideLibraryError, WriteTargetChecker } from './library-write-target.ts';
import { mergeGenres, sameGenres } from './merge-genres.ts';
import { defaultTaxonomy, normalizeGenres } from './taxonomy.ts';

/** One selected track and what a write would do to it, judged from the library (no file is opened). */
export interface PlannedTrack {
  trackId: number;
  path: string;
  format: string | null;
  oldGenres: string[];
  /** Normalised genres to apply with the batch's mode; null when the source has none for this track. */
  wanted: string[] | null;
  newGenres: string[];
  action: TagPreviewAction;
  reason: string | null;
  /** Why a skipped track is skipped, for machines. */
  skipCode: TagErrorCode | null;
  source: 'genres' | 'prediction' | 'label' | null;
  confidence: number | null;
  /** The file that changes when the path is, or goes through, a symbolic link inside the library folders. */
  linkTarget: string | null;
}

/** A request's planned tracks, and how many selected tracks its confidence floor left out. */
export interface TagPlan {
  tracks: PlannedTrack[];
  /** Selected tracks whose prediction is under the request's minConfidence (and no label of theirs is written instead). */
  belowConfidence: number;
  /**
   * Selected tracks the floor left out because they have no prediction to weigh (not classified yet, or not
   * classifiable: unreadable, silent, too short), and no label of theirs is written instead.
   */
  unpredicted: number;
}

export function requestTaxonomy(request: ParsedTagRequest): Taxonomy | null {
  return request.taxonomy === undefined ? defaultTaxonomy : request.taxonomy;
}

function parseList(json: string | null): string[] {
  if (!json) return [];
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v.filter((g): g is string => typeof g === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * The tracks a request selects, in path order (files of a folder together), each with the genres it would get.
 * Uses the library's view of each file (the genres the last scan read); the write itself re-reads every file and
 * decides again from what it really holds. Where each write would land is looked up on disk (links resolved):
 * a path that leads outside the library folders is skipped, one through a link inside them says where it writes.
 */
export function planTagBatch(db: Database, request: ParsedTagRequest): TagPlan {
  const rows = tagSelectionRows(db, request.selection);
  const exclude = new Set(request.selection.excludeTrackIds ?? []);
  const min = request.selection.minConfidence;
  const usesLabels = request.source === 'label' || request.source === 'label-or-prediction';
  const taxonomy = requestTaxonomy(request);
  const fixed = request.source === 'genres' ? normalizeGenres(request.genres ?? [], taxonomy) : null;
  const targets = new WriteTargetChecker(libraryRoots(db));
  const out: PlannedTrack[] = [];
  let belowConfidence = 0;
  let unpredicted = 0;
  for (const r of rows) {
    if (exclude.has(r.id)) continue;
    const label = r.label_genres_json ? parseList(r.label_genres_json) : null;
    if (min !== undefined && !(usesLabels && label)) {
      if (r.predicted_confidence === null) {
        unpredicted++;
        continue;
      }
      if (r.predicted_confidence < min) {
        belowConfidence++;
        continue;
      }
    }
    const oldGenres = parseList(r.genres_json);
    let wanted: string[] | null = null;
    let source: PlannedTrack['source'] = null;
    let missingReason = '';
    switch (request.source) {
      case 'genres':
        wanted = fixed;
        source = 'genres';
        break;
      case 'prediction':
        if (r.predicted_genre) [wanted, source] = [[r.predicted_genre], 'prediction'];
        else missingReason = 'No prediction for this track yet';
        break;
      case 'label':
        if (label) [wanted, source] = [label, 'label'];
        else missingReason = 'No label for this track';
        break;
      case 'label-or-prediction':
        if (label) [wanted, source] = [label, 'label'];
        else if (r.predicted_genre) [wanted, source] = [[r.predicted_genre], 'prediction'];
        else missingReason = 'No label and no prediction for this track';
        break;
    }
    if (wanted && source !== 'genres') wanted = normalizeGenres(wanted, taxonomy);
    const plan: PlannedTrack = {
      trackId: r.id,
      path: r.path,
      format: r.format,
      oldGenres,
      wanted,
      newGenres: oldGenres,
      action: 'skip',
      reason: null,
      skipCode: null,
      source,
      confidence: source === 'prediction' ? r.predicted_confidence : null,
      linkTarget: null,
    };
    if (r.status === 'missing') [plan.reason, plan.skipCode] = ['The file was missing at the last scan', 'missing'];
    else if (r.status === 'error') {
      [plan.reason, plan.skipCode] = [`The file could not be read at the last scan${r.error ? `: ${r.error}` : ''}`, 'unreadable'];
    } else if (!r.format || !writableFormats.has(r.format)) {
      [plan.reason, plan.skipCode] = [`Writing genres into ${(r.format ?? 'unknown').toUpperCase()} files is not supported`, 'unsupported'];
    } else if (!wanted || wanted.length === 0) [plan.reason, plan.skipCode] = [missingReason || 'No genre to write', 'no_genre'];
    else {
      plan.newGenres = mergeGenres(oldGenres, wanted, request.mode);
      if (sameGenres(plan.newGenres, oldGenres)) {
        plan.action = 'unchanged';
        plan.reason = request.mode === 'fill' && oldGenres.length > 0 ? 'Already has a genre (fill mode)' : 'Already has these genres';
      } else {
        const target = targets.check(r.path);
        if (target.kind === 'outside') {
          [plan.newGenres, plan.reason, plan.skipCode] = [oldGenres, outsideLibraryError(target.realPath).message, 'outside_library'];
        } else {
          plan.action = 'write';
          if (target.kind === 'link') plan.linkTarget = target.realPath;
        }
      }
    }
    out.push(plan);
  }
  return { tracks: out, belowConfidence, unpredicted };
}

const modeVerb = { replace: 'Replace genres with', add: 'Add', fill: 'Fill empty genres with' } as const;

/** A line for the history list, e.g. "Replace genres with Hip Hop, Jazz (12 files)"; without a count while planning. */
export function describeRequest(request: ParsedTagRequest, files: number | null): string {
  const what =
    request.source === 'genres'
      ? normalizeGenres(request.genres ?? [], requestTaxonomy(request)).join(', ')
      : request.source === 'prediction'
        ? 'the predicted genre'
        : request.source === 'label'
          ? 'the labelled genres'
          : 'the labelled or predicted genre';
  const count = files === null ? '' : ` (${files} file${files === 1 ? '' : 's'})`;
  return `${modeVerb[request.mode]} ${what}${count}`;
}
