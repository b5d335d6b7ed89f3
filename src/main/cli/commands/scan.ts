import { parseArgs } from 'node:util';
import { jobResult } from '../../../shared/api/jobs.ts';
import { LEFT_ELSEWHERE, UNCLASSIFIABLE_BECAUSE } from '../../../shared/api/predictions.ts';
import { scanIssues } from '../../services/library.ts';
import { openCliContext } from '../cli-context.ts';
import { printable } from '../printable.ts';
import type { CliCommand } from '../command.ts';
import { UsageError } from '../command.ts';
import { formatDuration, waitWithProgress } from '../progress-printer.ts';

export const scanCommand: CliCommand = {
  name: 'scan',
  summary: 'Add folders to the library and scan them (incremental: unchanged files cost a stat), then classify new and changed tracks',
  usage: 'genre-tagger scan <folder…> [--db FILE] [--no-classify] [--json] [--quiet]',
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        db: { type: 'string' },
        json: { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
        'no-classify': { type: 'boolean' },
      },
    });
    if (positionals.length === 0) throw new UsageError('Name at least one folder to scan.');
    const { ctx, api } = openCliContext(values.db);
    try {
      const roots = [];
      for (const folder of positionals) roots.push(await api['library.addRoot']({ path: folder }));
      const ids = [...new Set(roots.map((r) => r.id))];
      const { jobId } = await api['library.scan']({ rootIds: ids, classify: !values['no-classify'] });
      const job = await waitWithProgress(ctx, jobId, values.quiet || values.json);
      if (job.status === 'failed') {
        process.stderr.write(`Scan failed: ${job.error}\n`);
        return 1;
      }
      const s = jobResult(job, 'scan');
      // Only a scan stopped before it could report (Ctrl-C, its worker ended) has no summary.
      if (!s) return 130;
      // The scan starts the classification of what it found (unless --no-classify): wait for it too.
      const classifyJob = job.followUp ? await waitWithProgress(ctx, job.followUp, values.quiet || values.json) : null;
      const c = classifyJob ? jobResult(classifyJob, 'classify') : null;
      const errors = ctx.db
        .prepare(
          `SELECT path, error FROM tracks WHERE status = 'error' AND root_id IN (SELECT value FROM json_each(?)) ORDER BY path`,
        )
        .all(JSON.stringify(ids)) as { path: string; error: string }[];
      const issues = scanIssues(ctx, null, ids).issues.map(({ path, error }) => ({ path, error }));
      if (values.json) {
        const classify = classifyJob ? { ...c, status: classifyJob.status, error: classifyJob.error } : null;
        process.stdout.write(`${JSON.stringify({ ...s, db: ctx.dbPath, folders: roots.map((r) => r.path), unreadable: errors, issues, classify })}\n`);
      } else {
        const rate = s.elapsedMs > 0 ? Math.round((s.seen / s.elapsedMs) * 1000) : s.seen;
        process.stdout.write(
          `${s.cancelled ? 'Scan cancelled' : 'Scanned'} ${s.seen} audio files in ${formatDuration(s.elapsedMs)} (${rate} files/s): ` +
            `${s.added} new, ${s.changed} changed, ${s.unchanged} unchanged, ${s.moved} moved, ${s.missing} missing, ` +
            `${s.failed} unreadable${s.skipped ? `, ${s.skipped} skipped` : ''}.\nLibrary: ${ctx.dbPath}\n`,
        );
        if (errors.length > 0) {
          // the folders' tracks without a genre now: the scan's unreadable files and, after classifying, the silent or too short
          process.stdout.write(`\nFiles with no genre, ${c ? UNCLASSIFIABLE_BECAUSE : 'unreadable'} (${errors.length}):\n`);
          for (const e of errors.slice(0, 50)) process.stdout.write(`  ${printable(e.path)}\n    ${e.error}\n`);
          if (errors.length > 50) process.stdout.write(`  … and ${errors.length - 50} more (genre-tagger list --status error)\n`);
        }
        for (const i of issues) process.stdout.write(`  skipped ${printable(i.path)}: ${i.error}\n`);
        if (classifyJob?.status === 'failed') process.stdout.write(`\nClassification failed: ${classifyJob.error}\n`);
        else if (c) {
          process.stdout.write(
            `\n${c.cancelled ? 'Classification cancelled after' : 'Classified'} ${c.classified} of ${c.total} new or changed track${c.total === 1 ? '' : 's'} in ` +
              `${formatDuration(c.elapsedMs)}${c.unreadable ? ` (${c.unreadable} could not be classified: ${UNCLASSIFIABLE_BECAUSE})` : ''}` +
              `${c.elsewhere ? ` (${c.elsewhere} ${LEFT_ELSEWHERE})` : ''}: genre-tagger list --sort predicted\n`,
          );
        }
      }
      if (classifyJob?.status === 'failed') return 1;
      return s.cancelled || c?.cancelled ? 130 : 0;
    } finally {
      await ctx.close();
    }
  },
};
