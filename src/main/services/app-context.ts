import type { Database } from '../core/db/database.ts';
import { openDatabase } from '../core/db/database.ts';
import { TrackQueryCache } from '../core/db/track-query.ts';
import { EventBus } from './event-bus.ts';
import { JobManager } from './jobs/job-manager.ts';

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
}

export function createAppContext(options: ContextOptions): AppContext {
  const db = openDatabase(options.dbPath);
  const events = new EventBus();
  const jobs = new JobManager(events, { dbPath: options.dbPath, dataDir: options.dataDir });
  return {
    shell: options.shell,
    version: options.version ?? null,
    dbPath: options.dbPath,
    dataDir: options.dataDir,
    db,
    events,
    jobs,
    trackQueries: new TrackQueryCache(db),
    pickFolder: options.pickFolder ?? null,
    async close() {
      await jobs.shutdown();
      db.close();
    },
  };
}
