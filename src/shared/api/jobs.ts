import { z } from '../zod.ts';
import { method } from '../method.ts';
import type { ScanSummary } from './library.ts';
import type { RetrainSummary } from './personal.ts';
import type { ClassifySummary } from './predictions.ts';
import type { TagBatchInfo } from './tags.ts';

/** What each kind of job reports as its result once it has finished (JobInfo.result). */
export interface JobResults {
  scan: ScanSummary;
  classify: ClassifySummary;
  /** The batch as it stands once written (tags.apply), or once undone (tags.undo). */
  'tag-write': TagBatchInfo;
  'tag-undo': TagBatchInfo;
  retrain: RetrainSummary;
  /**
   * The CLI's `train` and `evaluate` jobs, which the app never starts: their results are engine types the renderer
   * does not know (TrainedVersion, EvaluationResult), typed for the command by runCliJob (cli/job-runner.ts).
   */
  train: unknown;
}

export type JobKind = keyof JobResults;
export type JobStatus = 'running' | 'done' | 'cancelled' | 'failed';

/** A long-running job of one kind; `job.progress` events carry JobInfo, the union of every kind. */
export interface JobInfoOf<K extends JobKind> {
  id: string;
  kind: K;
  status: JobStatus;
  /**
   * Units of work finished and expected (files, segments, epochs …); total is null while unknown. `done` may
   * include the fractions of items in progress (a long file half classified): show Math.floor(done).
   */
  done: number;
  total: number | null;
  /** Estimated milliseconds left, or null while unknown. */
  etaMs: number | null;
  startedAt: number;
  finishedAt: number | null;
  /** What is being worked on now (a file path, an epoch …). */
  current: string | null;
  message: string | null;
  error: string | null;
  /**
   * The job's summary once it finished (counts of added/changed/failed files, metrics …); null while it runs, and
   * when it failed or was stopped before it could report one (a cancelled job usually reports what it did).
   */
  result: JobResults[K] | null;
  /** The job this one started when it finished (a scan starts the classification of what it found), or null. */
  followUp: string | null;
}

/** A long-running job as the UI sees it, of any kind: narrow it by `kind` to read its `result`. */
export type JobInfo = { [K in JobKind]: JobInfoOf<K> }[JobKind];

/** Whether the job is of this kind, so that its result has that kind's type. */
export function isJobOf<K extends JobKind>(job: JobInfo, kind: K): job is JobInfo & JobInfoOf<K> {
  return job.kind === kind;
}

/**
 * The result of a job that must be of this kind (ids from `library.scan`, `tags.apply` … name jobs of a known kind):
 * null while it has none; an Error if the job is of another kind.
 */
export function jobResult<K extends JobKind>(job: JobInfo, kind: K): JobResults[K] | null {
  if (!isJobOf(job, kind)) throw new Error(`Job ${job.id} is a ${job.kind} job, not a ${kind} job`);
  return job.result;
}

export const jobsApi = {
  'jobs.list': method(z.object({}).strict()).returns<JobInfo[]>(),
  'jobs.get': method(z.object({ id: z.string().min(1) }).strict()).returns<JobInfo>(),
  'jobs.cancel': method(z.object({ id: z.string().min(1) }).strict()).returns<JobInfo>(),
};
