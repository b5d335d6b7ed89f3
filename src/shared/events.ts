import type { JobInfo } from './api/jobs.ts';

/** Events pushed from the main process to the renderer (IPC in Electron, server-sent events over HTTP). */
export interface ApiEvents {
  'job.progress': JobInfo;
  'library.changed': { reason: 'scan' | 'roots' | 'tags' | 'predictions' | 'labels' };
}
export type EventName = keyof ApiEvents;
export const eventNames: readonly EventName[] = ['job.progress', 'library.changed'];
