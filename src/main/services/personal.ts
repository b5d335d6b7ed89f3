import { resolve, sep } from 'node:path';
import type { ImportTagsResult, LabelSummary, PersonalVersionInfo, ReviewItem } from '../../shared/api/personal.ts';
import type { LabelSource } from '../../shared/api/labels.ts';
import type { JobInfoOf } from '../../shared/api/jobs.ts';
import { ApiError } from '../../shared/errors.ts';
import { activeModels } from '../core/classify/active-models.ts';
import { activePersonalSpec, activePersonalVersion, listPersonalVersions, readPersonalVersion } from '../core/db/personal-models.ts';
import { readUnsureThreshold, writeUnsureThreshold } from '../core/db/library-settings.ts';
import { allLabels, importTagLabels } from '../core/db/track-labels.ts';
import type { TagLabel } from '../core/db/track-labels.ts';
import { baseLabelFor } from '../core/personal/base-genre.ts';
import { baseDisagreement, currentProbabilities } from '../core/personal/current-opinion.ts';
import { mainEmbeddingBlock } from '../core/personal/library-training-data.ts';
import { defaultPersonalHyperParameters, standardization, standardizeRows } from '../core/personal/personal-model.ts';
import { activatePersonalVersion } from '../core/personal/refresh-personal-predictions.ts';
import { reviewOrder } from '../core/personal/review-order.ts';
import { albumGroupKey } from '../core/personal/grouped-folds.ts';
import { labelGenresFromTag } from '../core/personal/tag-label-genres.ts';
import { defaultTaxonomy } from '../core/tags/taxonomy.ts';
import type { RetrainPayload } from '../workers/retrain.worker.ts';
import type { AppContext } from './app-context.ts';
import type { HandlerSet } from './handler-set.ts';
import { modelStore } from './predictions.ts';

const emptySources = (): Record<LabelSource, number> => ({ corrected: 0, accepted: 0, tag: 0 });

/** The base model kinds in order of preference, and the name of the first (what speaks without a personal model). */
function baseModels(ctx: AppContext): { preference: string[]; name: string; labels: string[] } {
  try {
    const models = activeModels(modelStore(ctx));
    return {
      preference: models.map((m) => m.kind),
      name: models[0] ? `${models[0].kind} ${models[0].version}` : 'base models',
      labels: [...new Set(models.flatMap((m) => m.manifest.labels))],
    };
  } catch {
    return { preference: [], name: 'base models', labels: [] };
  }
}

export function labelSummary(ctx: AppContext): LabelSummary {
  const labels = allLabels(ctx.db);
  const min = defaultPersonalHyperParameters.minExamples;
  const bySource = emptySources();
  const embedded = new Set(
    ctx.db
      .prepare(`SELECT e.track_id FROM track_embeddings e JOIN tracks t ON t.id = e.track_id AND t.content_version = e.content_version`)
      .pluck()
      .all() as number[],
  );
  const genres = new Map<string, Record<LabelSource, number>>();
  const listened = new Map<string, number>();
  for (const l of labels) {
    bySource[l.source]++;
    for (const g of new Set(l.genres)) {
      const c = genres.get(g) ?? emptySources();
      c[l.source]++;
      genres.set(g, c);
      if (embedded.has(l.trackId)) listened.set(g, (listened.get(g) ?? 0) + 1);
    }
  }
  const baseLabels = baseModels(ctx).labels;
  return {
    labelled: labels.length,
    bySource,
    genres: [...genres]
      .map(([genre, s]) => {
        const count = s.corrected + s.accepted + s.tag;
        return { genre, count, bySource: s, needed: Math.max(0, min - count), listened: listened.get(genre) ?? 0, baseLabel: baseLabelFor(genre, baseLabels) };
      })
      .sort((a, b) => b.count - a.count || a.genre.localeCompare(b.genre)),
    minExamples: min,
    notListened: labels.filter((l) => !embedded.has(l.trackId)).length,
    unsureThreshold: readUnsureThreshold(ctx.db),
    tagged: ctx.db.prepare(`SELECT count(*) FROM tracks WHERE status = 'ok' AND genres_json <> '[]'`).pluck().get() as number,
  };
}

/** Imports the files' genre tags (as the scan read them) as labels of source 'tag'. */
export function importTags(ctx: AppContext, options: { folder?: string; dryRun?: boolean }): ImportTagsResult {
  const folder = options.folder ? resolve(options.folder) : null;
  const rows = ctx.db
    .prepare(
      `SELECT id, genres_json FROM tracks WHERE status = 'ok'
       AND (@folder IS NULL OR dir = @folder OR substr(dir, 1, length(@prefix)) = @prefix) ORDER BY id`,
    )
    .all({ folder, prefix: folder ? (folder.endsWith(sep) ? folder : folder + sep) : null }) as { id: number; genres_json: string }[];
  if (folder && rows.length === 0) throw new ApiError('not_found', `No track of the library is in ${folder}`);
  const labels: TagLabel[] = [];
  const emptied: number[] = [];
  const genreCounts = new Map<string, number>();
  const junkCounts = new Map<string, number>();
  // A library's tags hold a few hundred distinct values: each is read once. Read per track, the import of a
  // 20,000-track library (12,000 tagged) took 167 ms of the app's main thread; once per value, 45 ms.
  const byTag = new Map<string, { genres: string[]; junk: string[] }>();
  for (const r of rows) {
    let read = byTag.get(r.genres_json);
    if (!read) {
      read = labelGenresFromTag(JSON.parse(r.genres_json) as string[], defaultTaxonomy);
      byTag.set(r.genres_json, read);
    }
    const { genres, junk } = read;
    for (const j of new Set(junk)) junkCounts.set(j, (junkCounts.get(j) ?? 0) + 1);
    if (genres.length === 0) {
      emptied.push(r.id);
      continue;
    }
    labels.push({ trackId: r.id, genres });
    for (const g of genres) genreCounts.set(g, (genreCounts.get(g) ?? 0) + 1);
  }
  const counts = importTagLabels(ctx.db, labels, emptied, { dryRun: options.dryRun });
  if (!options.dryRun && counts.created + counts.updated + counts.removed > 0) ctx.events.emit('library.changed', { reason: 'labels' });
  const sorted = (m: Map<string, number>): [string, number][] => [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return {
    dryRun: options.dryRun ?? false,
    tracks: labels.length,
    ...counts,
    genres: sorted(genreCounts).map(([genre, count]) => ({ genre, count })),
    junk: sorted(junkCounts).map(([value, count]) => ({ value, count })),
  };
}

export function startRetrain(ctx: AppContext, options: { activate?: RetrainPayload['activate']; folds?: number } = {}): JobInfoOf<'retrain'> {
  const running = ctx.jobs.running('retrain');
  if (running.length > 0) return running[0];
  const base = baseModels(ctx);
  const payload: RetrainPayload = {
    activate: options.activate ?? 'if-better',
    folds: options.folds,
    basePreference: base.preference,
    baseName: base.name,
    baseLabels: base.labels,
  };
  return ctx.jobs.start({ kind: 'retrain', worker: 'retrain', payload });
}

export function personalVersions(ctx: AppContext): PersonalVersionInfo[] {
  return listPersonalVersions(ctx.db);
}

export function activatePersonal(ctx: AppContext, version: string | null): { version: string | null; predicted: number } {
  if (version !== null && !readPersonalVersion(ctx.db, version)) throw new ApiError('not_found', `No personal model version ${version}`);
  const { predicted } = activatePersonalVersion(ctx.db, version, baseModels(ctx).preference);
  ctx.events.emit('library.changed', { reason: 'predictions' });
  return { version, predicted };
}

/** Activates the version active before the current one: the newest earlier-activated version, else none. */
export function rollbackPersonal(ctx: AppContext): { version: string | null; predicted: number } {
  const current = activePersonalVersion(ctx.db);
  if (!current) throw new ApiError('invalid_input', 'No personal model is active: there is nothing to roll back.');
  const earlier = listPersonalVersions(ctx.db)
    .filter((v) => v.version !== current.version && v.activatedAt !== null && v.createdAt <= current.createdAt)
    .sort((a, b) => (b.activatedAt ?? 0) - (a.activatedAt ?? 0))[0];
  return activatePersonal(ctx, earlier?.version ?? null);
}

/** The review queue: unlabelled, listened-to tracks in the order in which their labels would teach most. */
export function reviewQueue(ctx: AppContext, limit = 50): ReviewItem[] {
  const all = mainEmbeddingBlock(ctx.db);
  const n = all.trackIds.length;
  if (n === 0) return [];
  const d = all.columns.length;
  const labelledIds = new Set(allLabels(ctx.db).map((l) => l.trackId));
  const labelled = Uint8Array.from(all.trackIds, (id) => (labelledIds.has(id) ? 1 : 0));
  const { genres, probabilities } = currentProbabilities(all, activePersonalSpec(ctx.db)?.spec ?? null, baseModels(ctx).preference);
  const disagreement = baseDisagreement(all);
  const meta = ctx.db
    .prepare(`SELECT id, path, title, artist, album, album_artist AS albumArtist, dir, predicted_genre AS predictedGenre,
      predicted_confidence AS confidence FROM tracks WHERE id IN (SELECT value FROM json_each(?))`)
    .all(JSON.stringify(all.trackIds)) as { id: number; path: string; title: string | null; artist: string | null; album: string | null; albumArtist: string | null; dir: string; predictedGenre: string | null; confidence: number | null }[];
  const byId = new Map(meta.map((m) => [m.id, m]));
  const stats = standardization(all.rows, n, d);
  const x = standardizeRows(stats, all.rows, n);
  const order = reviewOrder(
    {
      n, x, d, probabilities, k: genres.length, disagreement, labelled,
      groups: all.trackIds.map((id) => {
        const m = byId.get(id);
        return m ? albumGroupKey(m) : String(id);
      }),
    },
    limit,
  );
  return order.map((s) => {
    const m = byId.get(all.trackIds[s.index])!;
    const k = genres.length;
    const suggestions = genres
      .map((genre, c) => ({ genre, probability: probabilities[s.index * k + c] }))
      .sort((a, b) => b.probability - a.probability)
      .slice(0, 9);
    const why = [
      s.uncertainty > 0.7 ? 'the model cannot decide' : s.uncertainty > 0.4 ? 'the model is unsure' : null,
      s.disagreement > 0 ? 'the base models disagree' : null,
      s.density > 0.6 ? 'many tracks sound like it' : null,
      s.novelty > 0.6 ? 'nothing labelled sounds like it' : null,
    ].filter((w): w is string => w !== null);
    return {
      trackId: m.id, path: m.path, title: m.title, artist: m.artist, album: m.album,
      predictedGenre: m.predictedGenre, confidence: m.confidence, suggestions,
      score: s.score, uncertainty: s.uncertainty, density: s.density, novelty: s.novelty, disagreement: s.disagreement,
      why: why.length > 0 ? why.join('; ') : 'typical of the unlabelled tracks',
    };
  });
}

export function setUnsureThreshold(ctx: AppContext, threshold: number): { threshold: number } {
  writeUnsureThreshold(ctx.db, threshold);
  ctx.events.emit('library.changed', { reason: 'predictions' });
  return { threshold };
}

export function personalHandlers(ctx: AppContext): HandlerSet<'personal.'> {
  return {
    'personal.retrain': (input) => ({ jobId: startRetrain(ctx, input).id }),
    'personal.versions': () => personalVersions(ctx),
    'personal.activate': ({ version }) => activatePersonal(ctx, version),
    'personal.rollback': () => rollbackPersonal(ctx),
    'personal.review': ({ limit }) => reviewQueue(ctx, limit),
    'personal.setUnsureThreshold': ({ threshold }) => setUnsureThreshold(ctx, threshold),
  };
}
