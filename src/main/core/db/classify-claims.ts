import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { ClassifyScope } from './classify-queue.ts';
import { trackNeedsWorkCheck } from './classify-queue.ts';
import type { Database } from './database.ts';

/** What claiming a track found. */
export type ClaimOutcome =
  /** This job listens to it now. */
  | 'claimed'
  /** Another running classification holds it. */
  | 'held-elsewhere'
  /** It no longer needs listening to: another classification stored its result since this job's list was made. */
  | 'done-elsewhere';

export interface ClassifyClaimsOptions {
  /** How long a claim lives without renewal (default 2 minutes); renew() must run well within it. */
  ttlMs?: number;
  now?: () => number;
  /** The machine and process this job runs in (tests stand in for another process with them). */
  host?: string;
  pid?: number;
}

/** Whether a process with this id runs on this machine (EPERM: it does, as another user). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One classification job's claims on the tracks it listens to, so that jobs in different processes sharing a
 * library (the app, `serve`, `genre-tagger classify` from a script) split its queue instead of each listening to
 * every track: before this, a command started while the app classified the same library decoded and analysed
 * every track a second time, at half the speed for both.
 *
 * A job claims a track just before it listens to it, in one write transaction that also checks that the track
 * still needs listening to; it renews its claims while it runs and drops each once its result is stored, and all
 * of them when it ends. Claims a job could not drop (its process was killed, its thread terminated) are dropped by
 * the next job on the same machine once that process is gone, or by its own process's next job (a process runs
 * one classification at a time); anywhere else they expire after `ttlMs`.
 */
export class ClassifyClaims {
  private readonly db: Database;
  private readonly host: string;
  private readonly pid: number;
  /** This job's name in the table: its process and a random part, so that two jobs of one process differ. */
  readonly owner: string;
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly claimInTransaction: (trackId: number) => ClaimOutcome;
  private readonly statements;

  constructor(db: Database, scope: ClassifyScope, options: ClassifyClaimsOptions = {}) {
    this.db = db;
    this.host = options.host ?? hostname();
    this.pid = options.pid ?? process.pid;
    this.owner = `${this.host} pid ${this.pid} ${randomUUID().slice(0, 8)}`;
    this.ttlMs = options.ttlMs ?? 120_000;
    this.now = options.now ?? Date.now;
    // release() runs after every stored batch (every track in the CLI): prepared once
    this.statements = {
      release: db.prepare('DELETE FROM classify_claims WHERE owner = ? AND track_id IN (SELECT value FROM json_each(?))'),
      renew: db.prepare('UPDATE classify_claims SET expires_at = ? WHERE owner = ?'),
      releaseAll: db.prepare('DELETE FROM classify_claims WHERE owner = ?'),
    };
    const take = db.prepare(
      `INSERT INTO classify_claims (track_id, owner, host, pid, expires_at) VALUES (@trackId, @owner, @host, @pid, @expires)
       ON CONFLICT (track_id) DO UPDATE SET owner = excluded.owner, host = excluded.host, pid = excluded.pid, expires_at = excluded.expires_at
       WHERE classify_claims.expires_at <= @now OR classify_claims.owner = excluded.owner`,
    );
    // With `force` every track needs listening to; one analysed since this job started was listened to by another
    // forced job meanwhile.
    const since = this.now();
    const analysedSince = db.prepare('SELECT 1 FROM track_analyses WHERE track_id = ? AND analyzed_at >= ?');
    const needsWork = trackNeedsWorkCheck(db, scope);
    const claim = db.transaction((trackId: number): ClaimOutcome => {
      if (!needsWork(trackId)) return 'done-elsewhere';
      if (scope.force && analysedSince.get(trackId, since) !== undefined) return 'done-elsewhere';
      const now = this.now();
      const taken = take.run({ trackId, owner: this.owner, host: this.host, pid: this.pid, expires: now + this.ttlMs, now });
      return taken.changes === 1 ? 'claimed' : 'held-elsewhere';
    });
    // IMMEDIATE: the check and the claim hold the write lock together, so two processes cannot both claim a track.
    this.claimInTransaction = (trackId) => claim.immediate(trackId);
  }

  /**
   * Drops the claims left by jobs that ended without dropping them: those of this process (its classification
   * before this one) and those of processes on this machine that are gone. Call once, as the job starts.
   */
  dropLeftOver(): void {
    const pids = this.db.prepare('SELECT DISTINCT pid FROM classify_claims WHERE host = ?').pluck().all(this.host) as number[];
    const drop = this.db.prepare('DELETE FROM classify_claims WHERE host = ? AND pid = ?');
    for (const pid of pids) if (pid === this.pid || !processAlive(pid)) drop.run(this.host, pid);
  }

  claim(trackId: number): ClaimOutcome {
    return this.claimInTransaction(trackId);
  }

  /** Drops this job's claims on these tracks (their results are stored, or they were given up). */
  release(trackIds: readonly number[]): void {
    if (trackIds.length === 0) return;
    this.statements.release.run(this.owner, JSON.stringify(trackIds));
  }

  /** Extends every claim this job holds by the claims' lifetime from now. */
  renew(): void {
    this.statements.renew.run(this.now() + this.ttlMs, this.owner);
  }

  releaseAll(): void {
    this.statements.releaseAll.run(this.owner);
  }

  /** How often a running job should renew: a third of the lifetime, so two renewals may be late before one expires. */
  get renewEveryMs(): number {
    return Math.floor(this.ttlMs / 3);
  }
}
