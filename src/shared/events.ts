import type { JobInfo } from './api/jobs.ts';
import type { TagFileResult } from './api/tags.ts';

/** Events pushed from the main process to the renderer (IPC in Electron, server-sent events over HTTP). */
export interface ApiEvents {
  'job.progress': JobInfo;
  /** 'external': another process (a `genre-tagger` command, another `serve`) changed the library file. */
  'library.changed': { reason: 'scan' | 'roots' | 'tags' | 'predictions' | 'labels' | 'external' };
  /** Files of a tag write or undo batch that have just been settled, in order (several per event). */
  'tags.results': { jobId: string; batchId: number; results: TagFileResult[] };
  /** Tracks whose classification results (or failures) a classify job has just stored, several per event. */
  'classify.tracks': { jobId: string; trackIds: number[] };
}
export type EventName = keyof ApiEvents;
export const eventNames: readonly EventName[] = ['job.progress', 'library.changed', 'tags.results', 'classify.tracks'];
