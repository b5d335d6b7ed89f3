import { parseArgs } from 'node:util';
import { sortColumns } from '../../../shared/api/library.ts';
import type { SortColumn, TrackRow } from '../../../shared/api/library.ts';
import { openCliContext } from '../cli-context.ts';
import { printable } from '../printable.ts';
import type { CliCommand } from '../command.ts';
import { UsageError } from '../command.ts';

function duration(s: number | null): string {
  if (s === null) return '';
  const t = Math.round(s);
  return `${Math.floor(t / 60)}:${String(t % 60).padStart(2, '0')}`;
}

/** The top predicted genre and its probability, e.g. "rock 72%". */
function predicted(t: TrackRow): string {
  return t.predictedGenre ? `${t.predictedGenre} ${Math.round((t.confidence ?? 0) * 100)}%` : '';
}

function fit(raw: string, width: number): string {
  const text = printable(raw);
  const chars = [...text];
  return chars.length > width ? `${chars.slice(0, width - 1).join('')}…` : text.padEnd(width + text.length - chars.length);
}

export const listCommand: CliCommand = {
  name: 'list',
  summary: 'Print the library (JSON lines with --json)',
  usage:
    'genre-tagger list [--db FILE] [--search TEXT] [--folder DIR] [--status ok|error|missing] ' +
    `[--sort ${sortColumns.join('|')}] [--desc] [--limit N] [--json]`,
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        db: { type: 'string' },
        search: { type: 'string', short: 's' },
        folder: { type: 'string' },
        status: { type: 'string' },
        sort: { type: 'string', default: 'artist' },
        desc: { type: 'boolean' },
        limit: { type: 'string' },
        json: { type: 'boolean' },
      },
    });
    if (!(sortColumns as readonly string[]).includes(values.sort!)) throw new UsageError(`Unknown sort column: ${values.sort}`);
    if (values.status && !['ok', 'error', 'missing'].includes(values.status)) throw new UsageError(`Unknown status: ${values.status}`);
    const limit = values.limit === undefined ? Infinity : Number(values.limit);
    if (!(limit >= 0)) throw new UsageError('--limit takes a number');
    const { ctx, api } = openCliContext(values.db, { readOnlyOk: true });
    try {
      const pageSize = 1000;
      let offset = 0;
      let total = 0;
      const out = process.stdout;
      if (!values.json) {
        out.write(`${fit('TITLE', 28)}  ${fit('ARTIST', 22)}  ${fit('ALBUM', 22)}  ${fit('GENRE', 14)}  ${fit('PREDICTED', 15)}  ${'TIME'.padStart(6)}  ${fit('FORMAT', 6)}  PATH\n`);
      }
      for (;;) {
        const page = await api['library.query']({
          offset,
          limit: Math.min(pageSize, Math.max(0, limit - offset)) || 1,
          sort: values.sort as SortColumn,
          dir: values.desc ? 'desc' : 'asc',
          search: values.search,
          folder: values.folder,
          status: values.status as TrackRow['status'] | undefined,
        });
        total = page.total;
        for (const t of page.rows) {
          if (offset >= limit) break;
          offset++;
          if (values.json) out.write(`${JSON.stringify(t)}\n`);
          else {
            const title = t.title ?? t.filename;
            const tail = t.status === 'ok' ? printable(t.path) : `${printable(t.path)}  [${t.status}${t.error ? `: ${t.error}` : ''}]`;
            out.write(
              `${fit(title, 28)}  ${fit(t.artist ?? '', 22)}  ${fit(t.album ?? '', 22)}  ${fit(t.genres.join('; '), 14)}  ${fit(predicted(t), 15)}  ${duration(t.durationS).padStart(6)}  ${fit(t.format ?? '', 6)}  ${tail}\n`,
            );
          }
        }
        if (page.rows.length === 0 || offset >= page.total || offset >= limit) break;
      }
      if (!values.json) process.stderr.write(`${Math.min(total, offset)} of ${total} tracks\n`);
      return 0;
    } finally {
      await ctx.close();
    }
  },
};
