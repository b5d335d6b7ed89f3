import type { JobLoader } from './in-thread-worker.ts';

/**
 * The jobs a one-shot CLI command runs in its own thread (AppContext `jobsInThisThread`): the scan and the
 * classification, by worker entry name. Their heavy parts (decoding, analysis, models) run in the classification's
 * pool of worker threads either way; what runs here is finding files, reading tags and storing results.
 */
export const inThisThreadJobs: Record<string, JobLoader> = {
  scan: async () => (await import('../../workers/scan.job.ts')).scanJob,
  classify: async () => (await import('../../workers/classify.job.ts')).classifyJob,
};
