import type { Database } from './database.ts';

export interface ModelRef {
  kind: string;
  version: string;
}

export interface ClassifyScope {
  /** The model versions that must have predicted each track (the active ones). */
  models: readonly ModelRef[];
  /** The current analysis engine: analyses that failed for a reason other than the file are retried when it changes. */
  engineVersion: string;
  /** Only tracks in these library folders / with these ids (all when omitted). */
  rootIds?: readonly number[];
  trackIds?: readonly number[];
  /** Analyse again even when nothing changed. */
  force?: boolean;
}

export interface TrackToClassify {
  trackId: number;
  path: string;
  contentVersion: number;
  /** From the tags; a hint for progress only. */
  durationS: number | null;
}

/** Error code of an analysis that failed for a reason other than the file (a model or engine fault). */
export const analysisFailedCode = 'analysis-failed';

/**
 * Readable tracks that need listening to: never analysed; analysed for an older content_version (the audio
 * changed); their decode failed but the scan has read the file again since (it sets the track back to 'ok');
 * the analysis itself failed under an older engine; no embedding was stored for it (analysed before personal
 * models existed: one re-listen brings it up to date); or an active model version has no prediction for the
 * current content. Everything else costs nothing on a rescan.
 */
const needsWork = `
  t.status = 'ok'
  AND (@roots IS NULL OR t.root_id IN (SELECT value FROM json_each(@roots)))
  AND (@ids IS NULL OR t.id IN (SELECT value FROM json_each(@ids)))
  AND (
    @force = 1
    OR a.track_id IS NULL
    OR a.content_version <> t.content_version
    OR (a.status = 'error' AND (a.error_code IS NOT '${analysisFailedCode}' OR a.engine_version <> @engine))
    OR (a.status = 'ok' AND NOT EXISTS (
      SELECT 1 FROM track_embeddings e WHERE e.track_id = t.id AND e.content_version = t.content_version))
    OR (a.status = 'ok' AND (
      SELECT count(*) FROM predictions p
      WHERE p.track_id = t.id AND p.content_version = t.content_version
        AND p.model_kind || ' ' || p.model_version IN (SELECT value FROM json_each(@models))
    ) < @modelCount)
  )`;

/** No running classification (this process's or another's) holds a live claim on the track (classify-claims.ts). */
const notClaimedNow = 'NOT EXISTS (SELECT 1 FROM classify_claims c WHERE c.track_id = t.id AND c.expires_at > @now)';

function params(scope: ClassifyScope): Record<string, unknown> {
  return {
    roots: scope.rootIds ? JSON.stringify(scope.rootIds) : null,
    ids: scope.trackIds ? JSON.stringify(scope.trackIds) : null,
    force: scope.force ? 1 : 0,
    engine: scope.engineVersion,
    // One prediction row per track and kind, so "has every active version" is "as many rows as versions".
    models: JSON.stringify(scope.models.map((m) => `${m.kind} ${m.version}`)),
    modelCount: new Set(scope.models.map((m) => m.kind)).size,
  };
}

/**
 * The tracks to listen to, less those another running classification (another process: the app, `serve`, a
 * `genre-tagger classify`) holds a live claim on now (classify-claims.ts).
 */
export function tracksToClassify(db: Database, scope: ClassifyScope, now = Date.now()): TrackToClassify[] {
  return db
    .prepare(
      `SELECT t.id AS trackId, t.path, t.content_version AS contentVersion, t.duration_s AS durationS
       FROM tracks t LEFT JOIN track_analyses a ON a.track_id = t.id
       WHERE ${needsWork}
         AND ${notClaimedNow}
       ORDER BY t.path`,
    )
    .all({ ...params(scope), now }) as TrackToClassify[];
}

/**
 * Whether a track still needs listening to, asked again track by track (another process may have stored its
 * result since the list was made). Prepared once per scope.
 */
export function trackNeedsWorkCheck(db: Database, scope: ClassifyScope): (trackId: number) => boolean {
  const check = db.prepare(`SELECT 1 FROM tracks t LEFT JOIN track_analyses a ON a.track_id = t.id WHERE t.id = @trackId AND ${needsWork}`);
  const scopeParams = params(scope);
  return (trackId) => check.get({ ...scopeParams, trackId }) !== undefined;
}

/**
 * How many tracks a classification started now would listen to: the app's "Classify N". Those another process is
 * listening to now are left out, so the app does not offer what a command is already doing.
 */
export function countTracksToClassify(db: Database, scope: ClassifyScope, now = Date.now()): number {
  return db
    .prepare(
      `SELECT count(*) FROM tracks t LEFT JOIN track_analyses a ON a.track_id = t.id
       WHERE ${needsWork} AND ${notClaimedNow}`,
    )
    .pluck()
    .get({ ...params(scope), now }) as number;
}
