import { parseArgs } from 'node:util';
import { openCliContext } from '../cli-context.ts';
import type { CliCommand } from '../command.ts';
import { UsageError } from '../command.ts';
import { batchCounts } from '../tag-output.ts';

export const tagHistoryCommand: CliCommand = {
  name: 'tag-history',
  summary: 'List tag write batches, newest first (undo one with `genre-tagger undo ID`)',
  usage: 'genre-tagger tag-history [--db FILE] [--limit N] [--json]',
  async run(args) {
    const { values } = parseArgs({ args, options: { db: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } } });
    const limit = values.limit === undefined ? 50 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError('--limit takes a number from 1 to 1000');
    const { ctx, api } = openCliContext(values.db, { readOnlyOk: true });
    try {
      const { total, batches } = await api['tags.history']({ offset: 0, limit });
      const out = process.stdout;
      if (values.json) {
        out.write(`${JSON.stringify({ total, batches })}\n`);
        return 0;
      }
      if (total === 0) {
        out.write('No tag writes yet.\n');
        return 0;
      }
      for (const b of batches) {
        const when = new Date(b.createdAt).toISOString().replace('T', ' ').slice(0, 19);
        const undo = b.canUndo ? '  [can undo]' : '';
        out.write(`${String(b.id).padStart(5)}  ${when}  ${b.status.padEnd(11)}  ${b.description}${undo}\n       ${batchCounts(b)}\n`);
      }
      if (total > batches.length) out.write(`… ${total - batches.length} older batches (--limit)\n`);
      return 0;
    } finally {
      await ctx.close();
    }
  },
};
