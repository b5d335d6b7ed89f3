import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { genreSources, tagModes, tagRequestSchema, taxonomySchema } from '../../../shared/api/tags.ts';
import type { GenreSource, TagMode, TagPreviewRow, TagRequest, Taxonomy } from '../../../shared/api/tags.ts';
import type { Database } from '../../core/db/database.ts';
import { realPathOrSelf } from '../../core/scan/walk.ts';
import { openCliContext } from '../cli-context.ts';
import type { CliCommand } from '../command.ts';
import { UsageError } from '../command.ts';
import { waitWithProgress } from '../progress-printer.ts';
import { allBatchRows, genreList, printBatchOutcome } from '../tag-output.ts';

/** Track ids for a file or folder path: the track at that path, else every track below it. */
function idsForPath(db: Database, raw: string): number[] {
  const candidates = [...new Set([resolve(raw), realPathOrSelf(resolve(raw))])];
  for (const p of candidates) {
    const id = db.prepare('SELECT id FROM tracks WHERE path = ?').pluck().get(p) as number | undefined;
    if (id !== undefined) return [id];
  }
  for (const p of candidates) {
    const dir = p.replace(/[\\/]+$/, '');
    const ids = db.prepare('SELECT id FROM tracks WHERE path >= ? AND path < ? ORDER BY path').pluck().all(`${dir}/`, `${dir}0`) as number[];
    if (ids.length > 0) return ids;
  }
  throw new UsageError(`Nothing in the library at ${raw}; scan its folder first (genre-tagger scan <folder>).`);
}

function readTaxonomy(file: string): Taxonomy {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`Cannot read the taxonomy file ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = taxonomySchema.safeParse(json);
  if (!parsed.success) {
    throw new UsageError(`The taxonomy file ${file} is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'file'}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

function printPreviewRow(out: NodeJS.WritableStream, r: TagPreviewRow): void {
  const conf = r.confidence !== null ? ` (${r.source} ${(r.confidence * 100).toFixed(0)}%)` : r.source && r.source !== 'genres' ? ` (${r.source})` : '';
  if (r.action === 'write') {
    out.write(`write     ${r.path}\n          ${genreList(r.oldGenres)} -> ${genreList(r.newGenres)}  [${r.frame ?? ''}]${conf}\n`);
    if (r.linkTarget) out.write(`          through a link: writes ${r.linkTarget}\n`);
  } else {
    out.write(`${r.action.padEnd(9)} ${r.path}\n          ${r.reason ?? ''}${r.action === 'unchanged' ? `: ${genreList(r.oldGenres)}` : ''}\n`);
  }
}

export const tagCommand: CliCommand = {
  name: 'tag',
  summary: 'Write genres into the files\' tags (preview with --dry-run; every batch can be undone)',
  usage:
    'genre-tagger tag [--db FILE] (--dry-run | --apply) [--mode replace|add|fill] [--genre G]... ' +
    `[--source ${genreSources.join('|')}] [--min-confidence X] [--path P]... [--track ID]... ` +
    '[--search TEXT] [--folder DIR] [--predicted G] [--all] [--taxonomy FILE.json | --no-taxonomy] ' +
    '[--id3v23-separator S] [--limit N] [--verbose] [--json] [--quiet]\n\n' +
    'Genres come from --genre (repeat it for several), else from each track\'s label or accepted prediction.\n' +
    'Tracks: --path (a file or folder in the library) and --track ID, or a filter (--search, --folder,\n' +
    '--predicted); --min-confidence keeps tracks predicted at least that confidently. --apply on the whole\n' +
    'library needs --all. Modes: replace the genre, add to existing genres, fill only empty ones.',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        db: { type: 'string' },
        'dry-run': { type: 'boolean' },
        apply: { type: 'boolean' },
        mode: { type: 'string', default: 'replace' },
        genre: { type: 'string', multiple: true, short: 'g' },
        source: { type: 'string' },
        'min-confidence': { type: 'string' },
        path: { type: 'string', multiple: true },
        track: { type: 'string', multiple: true },
        search: { type: 'string' },
        folder: { type: 'string' },
        predicted: { type: 'string' },
        all: { type: 'boolean' },
        taxonomy: { type: 'string' },
        'no-taxonomy': { type: 'boolean' },
        'id3v23-separator': { type: 'string' },
        limit: { type: 'string' },
        verbose: { type: 'boolean', short: 'v' },
        json: { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
      },
    });
    if (values['dry-run'] === values.apply) throw new UsageError('Say either --dry-run (preview) or --apply (write).');
    if (!(tagModes as readonly string[]).includes(values.mode!)) throw new UsageError(`Unknown mode: ${values.mode}`);
    const source = (values.source ?? (values.genre?.length ? 'genres' : 'label-or-prediction')) as GenreSource;
    if (!(genreSources as readonly string[]).includes(source)) throw new UsageError(`Unknown source: ${source}`);
    if (values.genre?.length && source !== 'genres') throw new UsageError('--genre only goes with --source genres.');
    const min = values['min-confidence'] === undefined ? undefined : Number(values['min-confidence']);
    if (min !== undefined && !(min >= 0 && min <= 1)) throw new UsageError('--min-confidence takes a number from 0 to 1');
    const limit = values.limit === undefined ? Infinity : Number(values.limit);
    if (!(limit >= 0)) throw new UsageError('--limit takes a number');
    if (values.taxonomy && values['no-taxonomy']) throw new UsageError('Use --taxonomy FILE or --no-taxonomy, not both.');
    const byId = (values.path?.length ?? 0) + (values.track?.length ?? 0) > 0;
    const byFilter = values.search !== undefined || values.folder !== undefined || values.predicted !== undefined;
    if (byId && byFilter) throw new UsageError('Choose tracks with --path/--track or with --search/--folder/--predicted, not both.');
    if (values.apply && !byId && !byFilter && min === undefined && !values.all) {
      throw new UsageError('Writing into the whole library needs --all (or choose tracks with --path, --track, --folder, --min-confidence …).');
    }

    const { ctx, api } = openCliContext(values.db);
    try {
      const trackIds: number[] = [];
      for (const p of values.path ?? []) trackIds.push(...idsForPath(ctx.db, p));
      for (const t of values.track ?? []) {
        const id = Number(t);
        if (!Number.isInteger(id) || id <= 0) throw new UsageError(`--track takes a track id, not ${t}`);
        trackIds.push(id);
      }
      const input: TagRequest = {
        selection: {
          ...(byId ? { trackIds: [...new Set(trackIds)] } : {}),
          ...(byFilter ? { filter: { search: values.search, folder: values.folder && resolve(values.folder), predicted: values.predicted } } : {}),
          ...(min !== undefined ? { minConfidence: min } : {}),
        },
        source,
        genres: values.genre,
        mode: values.mode as TagMode,
        ...(values['no-taxonomy'] ? { taxonomy: null } : values.taxonomy ? { taxonomy: readTaxonomy(values.taxonomy) } : {}),
        ...(values['id3v23-separator'] !== undefined ? { id3v23Separator: values['id3v23-separator'] } : {}),
      };
      const parsed = tagRequestSchema.safeParse(input);
      if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => i.message).join('; '));
      const request = parsed.data;
      const out = process.stdout;

      if (values['dry-run']) {
        const rows: TagPreviewRow[] = [];
        let preview = await api['tags.preview']({ request, offset: 0, limit: 1000 });
        rows.push(...preview.rows);
        while (rows.length < Math.min(preview.total, limit)) {
          preview = await api['tags.preview']({ request, offset: rows.length, limit: 1000 });
          if (preview.rows.length === 0) break;
          rows.push(...preview.rows);
        }
        const shown = rows.slice(0, Math.min(rows.length, limit));
        if (values.json) {
          out.write(`${JSON.stringify({ total: preview.total, counts: preview.counts, belowConfidence: preview.belowConfidence, unpredicted: preview.unpredicted, rows: shown })}\n`);
          return 0;
        }
        for (const r of shown) printPreviewRow(out, r);
        const c = preview.counts;
        out.write(
          `Preview of ${preview.total} track${preview.total === 1 ? '' : 's'}: ${c.write} to write, ${c.unchanged} unchanged, ${c.skip} skipped` +
            `${preview.belowConfidence && min !== undefined ? `; ${preview.belowConfidence} more left out, not predicted at least ${Math.round(min * 100)}% sure` : ''}` +
            `${preview.unpredicted && min !== undefined ? `; ${preview.unpredicted} more left out, with no prediction` : ''}. ` +
            'Nothing was written; run again with --apply to write.\n',
        );
        return 0;
      }

      const { jobId, batchId } = await api['tags.apply']({ request });
      const job = await waitWithProgress(ctx, jobId, values.quiet || values.json);
      const { batch, rows } = await allBatchRows(api, batchId);
      if (values.json) {
        out.write(`${JSON.stringify({ batch, rows, jobError: job.error })}\n`);
      } else {
        printBatchOutcome(out, batch, rows, values.verbose ?? false);
        if (batch.canUndo) out.write(`Undo with: genre-tagger undo ${batch.id}${values.db ? ` --db ${values.db}` : ''}\n`);
        if (job.status === 'failed') process.stderr.write(`The tag write stopped: ${job.error}\n`);
      }
      if (job.status === 'cancelled') return 130;
      return job.status === 'failed' || batch.counts.failed > 0 ? 1 : 0;
    } finally {
      await ctx.close();
    }
  },
};
