/** Messages between the JobManager (main thread) and a job's worker thread. */
export interface JobWorkerData<P = unknown> {
  dbPath: string;
  dataDir: string;
  /**
   * Locations the main thread was told at start-up (module state is per thread): the shipped models folder in the
   * packaged app, null from source. runInWorker applies them. (The bundled entry files need no passing on: every
   * thread inherits where they are, core/runtime/entry-file-url.ts.)
   */
  locations: { shippedModelsDir: string | null };
  payload: P;
  /**
   * Stay after this job's result, holding what it opened (a classification's analysis workers and models), for the
   * next job of the same worker: the JobManager then sends 'run' with that job's data, or 'release' (end).
   */
  keep?: boolean;
}

export type ToWorker = { type: 'cancel' } | { type: 'run'; data: JobWorkerData } | { type: 'release' };

/** What a job's worker posts; R is the type of its result (runInWorker's R, the job manager's JobResults[kind]). */
export type FromWorker<R = unknown> =
  | { type: 'progress'; done: number; total: number | null; current?: string | null; message?: string | null }
  | { type: 'event'; name: 'library.changed'; reason: 'scan' | 'roots' | 'tags' | 'predictions' | 'labels' }
  | { type: 'tracks'; trackIds: number[] }
  | { type: 'result'; result: R }
  | { type: 'error'; message: string };
