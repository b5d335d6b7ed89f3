import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { playlistFormats, playlistRequestSchema, playlistSorts, playlistSources } from '../../../shared/api/playlists.ts';
import type { PlaylistFormat, PlaylistLeftOut, PlaylistRequest, PlaylistSort, PlaylistSource } from '../../../shared/api/playlists.ts';
import { entryDisplayTitle } from '../../core/playlists/entry-title.ts';
import { openCliContext } from '../cli-context.ts';
import type { CliCommand } from '../command.ts';
import { UsageError } from '../command.ts';

const plural = (n: number, word: string): string => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

function leftOutLine(l: PlaylistLeftOut, threshold: number): string | null {
  const parts = [
    l.unsure > 0 ? `${plural(l.unsure, 'unsure prediction')} (under ${Math.round(threshold * 100)}%; --include-unsure keeps them)` : '',
    l.belowConfidence > 0 ? `${plural(l.belowConfidence, 'prediction')} under --min-confidence` : '',
    l.unplayable > 0 ? `${plural(l.unplayable, 'track')} missing or unreadable at the last scan` : '',
    l.overLimit > 0 ? `${plural(l.overLimit, 'track')} over --limit` : '',
  ].filter(Boolean);
  return parts.length > 0 ? `Left out: ${parts.join(', ')}.` : null;
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], option: string): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`Unknown ${option}: ${value} (one of ${allowed.join(', ')})`);
  return value as T;
}

function number(value: string | undefined, option: string, check: (n: number) => boolean, what: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !check(n)) throw new UsageError(`${option} takes ${what}, not ${value}`);
  return n;
}

export const playlistCommand: CliCommand = {
  name: 'playlist',
  summary: 'Export playlists by genre (M3U8, XSPF, Navidrome smart playlists)',
  usage:
    'genre-tagger playlist (--genre G... | --all-genres | --search T | --folder D | --predicted G) [--exclude G]... ' +
    `[--out FILE|DIR] [--format ${playlistFormats.join('|')}] [--source ${playlistSources.join('|')}] ` +
    `[--min-confidence X] [--include-unsure] [--sort ${playlistSorts.join('|')}] [--seed N] [--limit N] ` +
    '[--relative|--absolute] [--name NAME] [--dry-run] [--db FILE] [--json]\n\n' +
    'One playlist per genre (--genre, repeat it for several; --all-genres: every genre, one file each), from each\n' +
    'track\'s label, its prediction, or the label where there is one (the default). Unsure predictions (under 50%)\n' +
    'are left out unless --include-unsure. --search/--folder/--predicted narrow the tracks as the library view does;\n' +
    'without a genre they export exactly that view as one playlist. --out is a folder (default: the current one;\n' +
    'one file per playlist, named after it) or a file ending in the format\'s extension. Paths are relative to the\n' +
    'playlist file unless --absolute. --dry-run shows the counts and first entries without writing.',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        db: { type: 'string' },
        genre: { type: 'string', multiple: true, short: 'g' },
        'all-genres': { type: 'boolean' },
        exclude: { type: 'string', multiple: true },
        out: { type: 'string', short: 'o' },
        format: { type: 'string' },
        source: { type: 'string' },
        'min-confidence': { type: 'string' },
        'include-unsure': { type: 'boolean' },
        sort: { type: 'string' },
        seed: { type: 'string' },
        limit: { type: 'string' },
        relative: { type: 'boolean' },
        absolute: { type: 'boolean' },
        search: { type: 'string' },
        folder: { type: 'string' },
        predicted: { type: 'string' },
        name: { type: 'string' },
        'dry-run': { type: 'boolean' },
        json: { type: 'boolean' },
      },
    });
    if (values.relative && values.absolute) throw new UsageError('Choose --relative or --absolute, not both.');
    const byView = values.search !== undefined || values.folder !== undefined || values.predicted !== undefined;
    if (!values.genre?.length && !values['all-genres'] && !byView) {
      throw new UsageError('Say which playlists: --genre G (repeat for several), --all-genres, or a view (--search, --folder, --predicted).');
    }
    const format = oneOf(values.format, playlistFormats, 'format') ?? 'm3u8';
    const request: PlaylistRequest = {
      ...(byView ? { view: { search: values.search, folder: values.folder && resolve(values.folder), predicted: values.predicted } } : {}),
      ...(values.genre?.length ? { genres: values.genre } : {}),
      ...(values['all-genres'] ? { allGenres: true } : {}),
      ...(values.exclude?.length ? { excludeGenres: values.exclude } : {}),
      source: oneOf(values.source, playlistSources, 'source') as PlaylistSource | undefined,
      minConfidence: number(values['min-confidence'], '--min-confidence', (n) => n >= 0 && n <= 1, 'a number from 0 to 1'),
      includeUnsure: values['include-unsure'] ?? false,
      sort: oneOf(values.sort, playlistSorts, 'sort') as PlaylistSort | undefined,
      seed: number(values.seed, '--seed', (n) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff, 'a whole number'),
      limit: number(values.limit, '--limit', (n) => Number.isInteger(n) && n >= 1, 'a whole number of tracks (1 or more)'),
      ...(values.name !== undefined ? { name: values.name } : {}),
    };
    const parsed = playlistRequestSchema.safeParse(request);
    if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`).join('; '));

    const { ctx, api } = openCliContext(values.db);
    const out = process.stdout;
    try {
      if (values['dry-run']) {
        const preview = await api['playlists.preview']({ request: parsed.data, format: format as PlaylistFormat, first: 5 });
        if (values.json) {
          out.write(`${JSON.stringify(preview)}\n`);
          return preview.playlists.length > 0 ? 0 : 1;
        }
        for (const p of preview.playlists) {
          out.write(`${p.fileName}: ${plural(p.count, 'track')}\n`);
          for (const e of p.first) out.write(`  ${entryDisplayTitle(e)}  (${e.path})\n`);
          if (p.count > p.first.length) out.write(`  … ${plural(p.count - p.first.length, 'more track')}\n`);
        }
        for (const g of preview.emptyGenres) process.stderr.write(`No track has the genre ${g}.\n`);
        const line = leftOutLine(preview.leftOut, preview.unsureThreshold);
        if (line) out.write(`${line}\n`);
        out.write(preview.playlists.length > 0 ? 'Nothing was written (--dry-run).\n' : 'No playlist to write.\n');
        return preview.playlists.length > 0 ? 0 : 1;
      }
      const result = await api['playlists.export']({
        request: parsed.data,
        format: format as PlaylistFormat,
        out: resolve(values.out ?? '.'),
        paths: values.absolute ? 'absolute' : 'relative',
      });
      if (values.json) {
        out.write(`${JSON.stringify(result)}\n`);
        return 0;
      }
      const width = Math.max(...result.files.map((f) => [...f.name].length));
      for (const f of result.files) {
        out.write(`${f.name.padEnd(width + f.name.length - [...f.name].length)}  ${plural(f.count, 'track').padStart(12)}  ${f.path}${f.replaced ? '  (replaced)' : ''}\n`);
      }
      for (const g of result.emptyGenres) process.stderr.write(`No track has the genre ${g}: no playlist written for it.\n`);
      const line = leftOutLine(result.leftOut, result.unsureThreshold);
      if (line) out.write(`${line}\n`);
      if (result.absoluteFallbacks > 0) out.write(`${result.absoluteFallbacks.toLocaleString('en-US')} ${result.absoluteFallbacks === 1 ? 'entry' : 'entries'} written as absolute paths (no relative path leads there).\n`);
      if (result.seed !== null) out.write(`Random order with --seed ${result.seed}.\n`);
      return 0;
    } finally {
      await ctx.close();
    }
  },
};
