import type { JobInfo } from '../../shared/api/jobs.ts';
import type { AppContext } from '../services/app-context.ts';

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/**
 * Waits for a job while printing its progress to stderr (a live line on a terminal, a line every few seconds
 * otherwise). Ctrl-C cancels the job cleanly instead of killing the process mid-transaction.
 */
export async function waitWithProgress(ctx: Pick<AppContext, 'events' | 'jobs'>, jobId: string, quiet = false): Promise<JobInfo> {
  const tty = process.stderr.isTTY === true;
  let lastLine = 0;
  const off = ctx.events.on('job.progress', (job) => {
    if (job.id !== jobId || quiet || job.status !== 'running') return;
    const now = Date.now();
    if (!tty && now - lastLine < 3000) return;
    // a log keeps every line: one of a job that has not counted anything yet ("listing files (0 found)") says nothing
    if (!tty && job.total === null && job.done === 0) return;
    lastLine = now;
    // done may hold the fractions of items in progress (a long file being classified): show whole items. Without a
    // total the message says what is going on ("listing files (1,200 found)"): a bare count after it says nothing.
    const count = job.total !== null ? ` ${Math.floor(job.done)}/${job.total}` : job.message ? '' : ` ${Math.floor(job.done)}`;
    const pct = job.total ? ` ${Math.floor((100 * job.done) / Math.max(1, job.total))}%` : '';
    const eta = job.etaMs !== null ? ` ETA ${formatDuration(job.etaMs)}` : '';
    const line = `${job.message ?? job.kind}${count}${pct}${eta}`;
    if (tty) process.stderr.write(`\r\x1b[2K${line.slice(0, (process.stderr.columns ?? 100) - 1)}`);
    else process.stderr.write(`${line}\n`);
  });
  let interrupted = false;
  const onSigint = (): void => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write('\nCancelling… (press Ctrl-C again to quit at once)\n');
    ctx.jobs.cancel(jobId);
  };
  process.on('SIGINT', onSigint);
  try {
    return await ctx.jobs.wait(jobId);
  } finally {
    off();
    process.off('SIGINT', onSigint);
    if (tty && !quiet) process.stderr.write('\r\x1b[2K');
  }
}
