import { join } from 'node:path';
import { setFfmpegCheckFile } from '../core/audio/ffmpeg-check-cache.ts';
import type { Database } from '../core/db/database.ts';
import { openLibrary } from '../core/db/open-library.ts';
import type { OpenLibraryOptions } from '../core/db/open-library.ts';
import { TrackQueryCache } from '../core/db/track-query.ts';
import { EventBus } from './event-bus.ts';
import { inThisThreadJobs } from './jobs/in-thread-jobs.ts';
import { JobManager } from './jobs/job-manager.ts';
import { watchOtherProcesses } from './other-processes.ts';

export type Shell = 'electron' | 'http' | 'cli';

/** Everything the services share: one per running app, CLI command or HTTP server. */
export interface AppContext {
  shell: Shell;
  /** The app's version where the shell knows it (Electron); otherwise read from package.json. */
  version: string | null;
  dbPath: string;
  /** Per-user folder for models, settings and the default library database. */
  dataDir: string;
  db: Database;
  /** The library file did not exist and was created now. */
  created: boolean;
  /** The library cannot be written and was opened read-only (see open-library.ts). */
  readOnly: boolean;
  events: EventBus;
  jobs: JobManager;
  trackQueries: TrackQueryCache;
  /** A native folder picker, where the shell has one (Electron). */
  pickFolder: (() => Promise<string | null>) | null;
  close(): Promise<void>;
}

export interface ContextOptions {
  shell: Shell;
  dbPath: string;
  dataDir: string;
  pickFolder?: () => Promise<string | null>;
  version?: string;
  /** How to open the library file (new folders, read-only fallback); see open-library.ts. */
  library?: OpenLibraryOptions;
  /**
   * How long a classification's analysis workers stay, models open, for the next classification (0: they end with
   * their job). A long-running shell (the app, `serve`) keeps them KEEP_WORKERS_MS; a CLI command ends anyway.
   */
  keepWorkersMs?: number;
  /**
   * Scans and classifications run in the calling thread rather than a worker thread of their own (their analysis
   * workers are threads either way): for a one-shot CLI command, whose thread only waits for its job. Never for a
   * shell whose thread serves something (the app's window, `serve`).
   */
  jobsInThisThread?: boolean;
  /**
   * Look every this many ms for changes other processes made to the library, and tell the views
   * (other-processes.ts): for a shell that shows the library (the app, `serve`). Off when absent.
   */
  watchOtherProcessesMs?: number;
}

/**
 * How long the app keeps a classification's workers after it: new files that arrive within it (another folder
 * added, a rescan, a file changed) are classified without the 1-2 s of CPU that starting the workers, opening the
 * models and warming up the analysis cost. Meanwhile the workers, their models and their ffmpeg launcher hold
 * about 175 MB (measured with two workers and the shipped models: 127 MB of the process, 47 MB the launcher).
 */
export const KEEP_WORKERS_MS = 120_000;

export function createAppContext(options: ContextOptions): AppContext {
  // the data folder remembers which ffmpeg answered last time, so a command's start does not run it to find out
  setFfmpegCheckFile(join(options.dataDir, 'ffmpeg-check.json'));
  const library = openLibrary(options.dbPath, options.library);
  const db = library.db;
  const events = new EventBus();
  const jobs = new JobManager(events, { dbPath: options.dbPath, dataDir: options.dataDir }, {
    keepThreadsMs: options.keepWorkersMs ?? 0,
    inThisThread: options.jobsInThisThread ? inThisThreadJobs : undefined,
  });
  const stopWatching = options.watchOtherProcessesMs ? watchOtherProcesses(db, jobs, events, options.watchOtherProcessesMs) : null;
  return {
    shell: options.shell,
    version: options.version ?? null,
    dbPath: options.dbPath,
    dataDir: options.dataDir,
    db,
    created: library.created,
    readOnly: library.readOnly,
    events,
    jobs,
    trackQueries: new TrackQueryCache(db),
    pickFolder: options.pickFolder ?? null,
    async close() {
      stopWatching?.();
      await jobs.shutdown();
      library.close();
    },
  };
}
