import { describe, expect, it } from 'vitest';
import { isJobOf, jobResult } from '../../../src/shared/api/jobs.ts';
import type { JobInfo } from '../../../src/shared/api/jobs.ts';
import type { ScanSummary } from '../../../src/shared/api/library.ts';

const summary: ScanSummary = { roots: 1, seen: 3, added: 3, changed: 0, unchanged: 0, moved: 0, missing: 0, failed: 0, skipped: 1, cancelled: false, elapsedMs: 12 };
const scanJob: JobInfo = {
  id: 'j1', kind: 'scan', status: 'done', done: 3, total: 3, etaMs: null, startedAt: 1, finishedAt: 2, current: null, message: null,
  error: null, result: summary, followUp: null,
};

describe('a job result, typed by the job kind', () => {
  it('is the result of a job of the kind asked for', () => {
    const s = jobResult(scanJob, 'scan');
    // ScanSummary's own fields, with no cast: the kind picks the type.
    expect(s?.skipped).toBe(1);
    expect(jobResult({ ...scanJob, status: 'running', result: null }, 'scan')).toBeNull();
  });

  it('refuses a job of another kind rather than hand its result over under the wrong type', () => {
    expect(isJobOf(scanJob, 'classify')).toBe(false);
    expect(() => jobResult(scanJob, 'classify')).toThrow('Job j1 is a scan job, not a classify job');
  });
});
