import { parentPort, workerData } from 'node:worker_threads';
import type { JobDefinition } from './run-job-on-port.ts';
import { runJobOnPort } from './run-job-on-port.ts';
import type { JobWorkerData } from './worker-protocol.ts';

export type { JobDefinition, WorkerJobContext } from './run-job-on-port.ts';

/**
 * The body of every job worker file (`<name>.worker.ts`): runs its job in this worker thread (run-job-on-port.ts).
 * The thread ends after its job, or, when the job's data says `keep`, waits for the JobManager's next job.
 */
export function runInWorker<P, R>(job: JobDefinition<P, R>): void {
  if (!parentPort) throw new Error('runInWorker must be called in a worker thread');
  runJobOnPort(parentPort, workerData as JobWorkerData<P>, job);
}
