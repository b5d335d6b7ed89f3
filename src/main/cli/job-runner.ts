import { EventBus } from '../services/event-bus.ts';
import { JobManager } from '../services/jobs/job-manager.ts';
import type { JobInfo } from '../../shared/api/jobs.ts';
import { waitWithProgress } from './progress-printer.ts';

/**
 * Runs one worker job for a CLI command that needs no library database (train, evaluate): the same JobManager and
 * worker protocol as the app, progress on stderr, Ctrl-C to cancel.
 */
export async function runCliJob<P>(worker: string, payload: P, dataDir: string, quiet: boolean): Promise<JobInfo> {
  const events = new EventBus();
  const jobs = new JobManager(events, { dbPath: '', dataDir });
  try {
    const job = jobs.start({ kind: 'train', worker, payload });
    return await waitWithProgress({ events, jobs }, job.id, quiet);
  } finally {
    await jobs.shutdown();
  }
}
