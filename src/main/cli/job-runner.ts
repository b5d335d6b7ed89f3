import { EventBus } from '../services/event-bus.ts';
import { JobManager } from '../services/jobs/job-manager.ts';
import type { JobInfo } from '../../shared/api/jobs.ts';
import type { EvaluateRequest, TrainRequest } from '../core/training/runs/requests.ts';
import type { EvaluationResult } from '../core/training/runs/evaluate-svm.ts';
import type { TrainedVersion } from '../core/training/runs/train-svm-version.ts';
import { waitWithProgress } from './progress-printer.ts';

/** The CLI's own jobs, by worker (`src/main/workers/<name>.worker.ts`): what each takes and what it returns. */
interface CliJobs {
  train: { payload: TrainRequest; result: TrainedVersion };
  evaluate: { payload: EvaluateRequest; result: EvaluationResult };
}

/** How a CLI job ended, and its result when it reported one. */
export interface CliJobOutcome<R> {
  job: JobInfo;
  result: R | null;
}

/**
 * Runs one worker job for a CLI command that needs no library database (train, evaluate): the same JobManager and
 * worker protocol as the app, progress on stderr, Ctrl-C to cancel.
 */
export async function runCliJob<W extends keyof CliJobs>(
  worker: W,
  payload: CliJobs[W]['payload'],
  dataDir: string,
  quiet: boolean,
): Promise<CliJobOutcome<CliJobs[W]['result']>> {
  const events = new EventBus();
  const jobs = new JobManager(events, { dbPath: '', dataDir });
  let result: CliJobs[W]['result'] | null = null;
  try {
    const job = jobs.start<'train', CliJobs[W]['payload'], CliJobs[W]['result']>({
      kind: 'train',
      worker,
      payload,
      onResult: (r) => (result = r),
    });
    return { job: await waitWithProgress({ events, jobs }, job.id, quiet), result };
  } finally {
    await jobs.shutdown();
  }
}
