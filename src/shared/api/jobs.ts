import { z } from 'zod';
import { method } from '../method.ts';

export type JobKind = 'scan' | 'classify' | 'train' | 'tag-write' | 'tag-undo' | 'export' | 'retrain';
export type JobStatus = 'running' | 'done' | 'cancelled' | 'failed';

/** A long-running job as the UI sees it; `job.progress` events carry the same shape. */
export interface JobInfo {
  id: string;
  kind: JobKind;
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
  /** Job-specific summary once finished (counts of added/changed/failed files, metrics …). */
  result: unknown;
  /** The job this one started when it finished (a scan starts the classification of what it found), or null. */
  followUp: string | null;
}

export const jobsApi = {
  'jobs.list': method(z.object({}).strict()).returns<JobInfo[]>(),
  'jobs.get': method(z.object({ id: z.string().min(1) }).strict()).returns<JobInfo>(),
  'jobs.cancel': method(z.object({ id: z.string().min(1) }).strict()).returns<JobInfo>(),
};
