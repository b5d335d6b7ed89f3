import { jobResult } from '../../src/shared/api/jobs.ts';
import type { JobInfo, JobKind, JobResults } from '../../src/shared/api/jobs.ts';

/** The result of a finished job of this kind; throws, saying how the job ended, when it reported none. */
export function finishedResult<K extends JobKind>(job: JobInfo, kind: K): JobResults[K] {
  const result = jobResult(job, kind);
  if (result === null) throw new Error(`The ${kind} job ${job.id} reported no result (${job.status}${job.error ? `: ${job.error}` : ''})`);
  return result;
}
