import { parseArgs } from 'node:util';
import { reviewQueue } from '../../services/personal.ts';
import { openCliContext } from '../cli-context.ts';
import type { CliCommand } from '../command.ts';
import { UsageError } from '../command.ts';

export const reviewCommand: CliCommand = {
  name: 'review',
  summary: 'List the unlabelled tracks whose label would teach your model most, best first',
  usage: 'genre-tagger review [--db FILE] [--limit N] [--json]',
  async run(args) {
    const { values } = parseArgs({ args, options: { db: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } } });
    const limit = values.limit === undefined ? 20 : Number(values.limit);
    if (!(Number.isInteger(limit) && limit >= 1 && limit <= 1000)) throw new UsageError('--limit takes a whole number from 1 to 1000');
    const { ctx } = openCliContext(values.db);
    try {
      const items = reviewQueue(ctx, limit);
      const out = process.stdout;
      if (values.json) {
        for (const i of items) out.write(`${JSON.stringify(i)}\n`);
        return 0;
      }
      if (items.length === 0) {
        out.write('Nothing to review: every listened-to track is labelled, or nothing has been listened to yet (run classify).\n');
        return 0;
      }
      out.write('  #  SUGGESTIONS                          WHY                                          PATH\n');
      items.forEach((i, n) => {
        const sugg = i.suggestions.slice(0, 3).map((s) => `${s.genre} ${Math.round(100 * s.probability)}%`).join(', ');
        out.write(`${String(n + 1).padStart(3)}  ${sugg.padEnd(35)}  ${i.why.padEnd(43)}  ${JSON.stringify(i.path).slice(1, -1)}\n`);
      });
      out.write(`\nLabel them with \`genre-tagger label PATH --genre G\` (or --accept), then \`genre-tagger retrain\`.\n`);
      return 0;
    } finally {
      await ctx.close();
    }
  },
};
