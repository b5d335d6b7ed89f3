import type { Database } from '../core/db/database.ts';
import type { EventBus } from './event-bus.ts';
import type { JobManager } from './jobs/job-manager.ts';

/** How often a long-running shell (the app, `serve`) looks for another process's changes to its library. */
export const OTHER_PROCESSES_CHECK_MS = 2000;

/**
 * Tells the views when another process changed the library: a `genre-tagger` command run from a script, another
 * `serve`, sharing the library file with the app (classifications split its tracks: classify-claims.ts). SQLite's
 * `data_version` moves whenever another connection commits; this shell's own jobs commit from their threads too,
 * so while one runs (or as it ends) the change is its own and the job says what it changed itself. Otherwise the
 * views reload with reason 'external', at most once per check. Returns the stop function.
 */
export function watchOtherProcesses(db: Database, jobs: JobManager, events: EventBus, everyMs = OTHER_PROCESSES_CHECK_MS): () => void {
  const version = (): number => db.pragma('data_version', { simple: true }) as number;
  let seen = version();
  // a job's last commits come before its end: what moved until then was the job's
  const offJobs = events.on('job.progress', (j) => {
    if (j.status !== 'running') seen = version();
  });
  const timer = setInterval(() => {
    const now = version();
    if (now === seen) return;
    seen = now;
    if (jobs.running().length > 0) return;
    events.emit('library.changed', { reason: 'external' });
  }, everyMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    offJobs();
  };
}
