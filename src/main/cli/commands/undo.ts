import { parseArgs } from 'node:util';
import { openCliContext } from '../cli-context.ts';
import type { CliCommand } from '../command.ts';
import { UsageError } from '../command.ts';
import { waitWithProgress } from '../progress-printer.ts';
import { allBatchRows, printBatchOutcome } from '../tag-output.ts';

export const undoCommand: CliCommand = {
  name: 'undo',
  summary: 'Undo a tag write batch: every file it changed gets back exactly the genres it had',
  usage: 'genre-tagger undo BATCH [--db FILE] [--verbose] [--json] [--quiet]',
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { db: { type: 'string' }, verbose: { type: 'boolean', short: 'v' }, json: { type: 'boolean' }, quiet: { type: 'boolean', short: 'q' } },
    });
    if (positionals.length !== 1) throw new UsageError('Name one batch to undo (see genre-tagger tag-history).');
    const id = Number(positionals[0]);
    if (!Number.isInteger(id) || id <= 0) throw new UsageError(`Not a batch id: ${positionals[0]}`);
    const { ctx, api } = openCliContext(values.db);
    try {
      const { jobId, batchId } = await api['tags.undo']({ batchId: id });
      const job = await waitWithProgress(ctx, jobId, values.quiet || values.json);
      const { batch, rows } = await allBatchRows(api, batchId);
      if (values.json) process.stdout.write(`${JSON.stringify({ batch, rows, jobError: job.error })}\n`);
      else {
        printBatchOutcome(process.stdout, batch, rows, values.verbose ?? false);
        if (job.status === 'failed') process.stderr.write(`The undo stopped: ${job.error}\n`);
      }
      if (job.status === 'cancelled') return 130;
      return job.status === 'failed' || batch.counts.failed > 0 ? 1 : 0;
    } finally {
      await ctx.close();
    }
  },
};
