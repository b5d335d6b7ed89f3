import { basename, dirname } from 'node:path';
import type { ScanSummary } from '../../../shared/api/library.ts';
import type { Database } from '../db/database.ts';
import { reconcileMoves } from '../db/reconcile-moves.ts';
import type { AddedTrack } from '../db/reconcile-moves.ts';
import { recordRootScan } from '../db/scan-issues.ts';
import { knownTracksOfRoot, ScannedTrackWriter } from '../db/scanned-tracks.ts';
import type { KnownTrack, ScannedTrackRow } from '../db/scanned-tracks.ts';
import { fingerprintFile } from './fingerprint.ts';
import { TrackReadError } from './read-error.ts';
import { readTrackMetadata } from './read-track-metadata.ts';
import type { TrackMetadata } from './track-metadata.ts';
import { walkAudioFiles } from './walk.ts';
import type { FoundFile, WalkIssue } from './walk.ts';

export interface ScanRoot {
  id: number;
  path: string;
}

/** What a scan did, file by file; the job adds roots, cancelled and elapsed time to make a ScanSummary. */
export type ScanCounts = Omit<ScanSummary, 'roots' | 'cancelled' | 'elapsedMs'>;

export interface ScanProgress {
  phase: 'listing' | 'reading' | 'finishing';
  root: string;
  done: number;
  total: number | null;
  current: string | null;
}

export interface ScanOptions {
  signal?: AbortSignal;
  onProgress?: (progress: ScanProgress) => void;
  /** Files read at once (async I/O overlaps; parsing is on this thread). */
  concurrency?: number;
  /** Rows written per transaction. */
  batchSize?: number;
  /** Least time between two progress reports while reading (default 100 ms). */
  progressIntervalMs?: number;
  now?: () => number;
}

type ReadOutcome =
  | { file: FoundFile; kind: 'ok'; meta: TrackMetadata; fingerprint: string | null }
  | { file: FoundFile; kind: 'error'; error: string; fingerprint: string | null };

export function emptyCounts(): ScanCounts {
  return { seen: 0, added: 0, changed: 0, unchanged: 0, moved: 0, missing: 0, failed: 0, skipped: 0 };
}

/**
 * Brings one library root's rows in line with the disk. An unchanged file (same size and mtime) costs a stat;
 * new and changed files are parsed; files gone from disk are marked missing, never deleted (see scanRoots for
 * moves). Writes happen in short transactions, so a cancel leaves every row either old or new.
 */
export async function scanRoot(db: Database, root: ScanRoot, options: ScanOptions = {}): Promise<ScanCounts> {
  return scanRoots(db, [root], options);
}

/**
 * Scans several roots, then matches files that appeared against tracks that went missing (moves and renames, also
 * between roots). Progress reports name the root being scanned.
 */
export async function scanRoots(db: Database, roots: ScanRoot[], options: ScanOptions = {}): Promise<ScanCounts> {
  const total = emptyCounts();
  const added: AddedTrack[] = [];
  const vanished = new Set<number>();
  for (const root of roots) {
    if (options.signal?.aborted) break;
    const r = await scanOneRoot(db, root, options);
    for (const k of Object.keys(total) as (keyof ScanCounts)[]) total[k] += r.counts[k];
    added.push(...r.added);
    for (const id of r.vanished) vanished.add(id);
  }
  // A cancelled scan has not seen every file, so it cannot tell a move from a copy.
  if (!options.signal?.aborted) {
    const moves = reconcileMoves(db, added, vanished);
    total.moved += moves.moved;
    total.added -= moves.moved;
    total.missing -= moves.vanishedNow;
  }
  return total;
}

interface RootScan {
  counts: ScanCounts;
  added: AddedTrack[];
  vanished: number[];
}

async function scanOneRoot(db: Database, root: ScanRoot, options: ScanOptions): Promise<RootScan> {
  const now = options.now ?? Date.now;
  const counts = emptyCounts();
  const signal = options.signal;
  const report = options.onProgress ?? (() => {});

  report({ phase: 'listing', root: root.path, done: 0, total: null, current: root.path });
  const walk = walkAudioFiles(root.path, {
    signal,
    onFound: (n) => report({ phase: 'listing', root: root.path, done: n, total: null, current: root.path }),
  });
  if (signal?.aborted) return { counts, added: [], vanished: [] };
  counts.skipped = walk.issues.length;

  const known = knownTracksOfRoot(db, root.id);

  const seen = new Set<string>();
  const toRead: FoundFile[] = [];
  for (const file of walk.files) {
    seen.add(file.path);
    counts.seen++;
    const k = known.get(file.path);
    if (k && k.status !== 'missing' && k.size === file.size && k.mtime_ms === file.mtimeMs) {
      counts.unchanged++;
    } else {
      toRead.push(file);
    }
  }

  const writer = new ScanWriter(db, root, now);
  const total = toRead.length;
  let done = 0;
  report({ phase: 'reading', root: root.path, done: 0, total, current: null });

  const batchSize = options.batchSize ?? 250;
  let pending: ReadOutcome[] = [];
  const flush = (): void => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    writer.write(batch, known, counts);
  };

  const concurrency = Math.max(1, options.concurrency ?? 16);
  let next = 0;
  let lastReport = 0;
  let lastYield = performance.now();
  const progressInterval = options.progressIntervalMs ?? 100;
  const readNext = async (): Promise<void> => {
    while (next < toRead.length && !signal?.aborted) {
      const file = toRead[next++];
      // Await first: `pending` is swapped by flush() while other readers wait.
      const outcome = await readOne(file);
      pending.push(outcome);
      done++;
      if (pending.length >= batchSize) flush();
      const t = performance.now();
      if (t - lastYield > 50) {
        // Reads are blocking (see BufferedFileTokenizer); let the event loop deliver a cancel message.
        lastYield = t;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      if (t - lastReport >= progressInterval) {
        lastReport = t;
        report({ phase: 'reading', root: root.path, done, total, current: file.path });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, readNext));
  flush();

  let vanished: number[] = [];
  if (!signal?.aborted) {
    report({ phase: 'finishing', root: root.path, done, total, current: null });
    vanished = writer.markMissing(known, seen);
    counts.missing += vanished.length;
    writer.finishRoot(walk.issues);
  }
  return { counts, added: writer.added, vanished };
}

async function readOne(file: FoundFile): Promise<ReadOutcome> {
  let fingerprint: string | null = null;
  try {
    if (file.size > 0) fingerprint = fingerprintFile(file.path, file.size);
  } catch {
    fingerprint = null;
  }
  try {
    const meta = await readTrackMetadata(file.path, file.size);
    return { file, kind: 'ok', meta, fingerprint };
  } catch (error) {
    const message =
      error instanceof TrackReadError
        ? error.message
        : `Unreadable: ${error instanceof Error ? error.message : String(error)}`;
    return { file, kind: 'error', error: message, fingerprint };
  }
}

/** Writes what the scan found in one library folder, in short transactions. */
class ScanWriter {
  private readonly tracks: ScannedTrackWriter;
  /** Tracks this scan inserted, for move detection once the whole scan knows which files vanished. */
  readonly added: AddedTrack[] = [];
  private readonly db: Database;
  private readonly root: ScanRoot;
  private readonly now: () => number;

  constructor(db: Database, root: ScanRoot, now: () => number) {
    this.db = db;
    this.root = root;
    this.now = now;
    this.tracks = new ScannedTrackWriter(db);
  }

  write(batch: ReadOutcome[], known: Map<string, KnownTrack>, counts: ScanCounts): void {
    const now = this.now();
    this.db.transaction(() => {
      for (const outcome of batch) {
        const row = this.row(outcome, now);
        const existing = known.get(outcome.file.path);
        if (existing) {
          this.tracks.update(existing.id, row);
          if (outcome.kind === 'ok') counts.changed++;
        } else {
          const id = this.tracks.insert(row);
          if (id === null) {
            // another process's scan of this folder added the file meanwhile: it counted it as new, this one updates it
            this.tracks.update(this.tracks.idOf(row.path), row);
            if (outcome.kind === 'ok') counts.unchanged++;
          } else if (outcome.kind === 'ok') {
            counts.added++;
            if (outcome.fingerprint) this.added.push({ id, size: outcome.file.size, fingerprint: outcome.fingerprint });
          }
        }
        if (outcome.kind === 'error') counts.failed++;
      }
    }).immediate();
  }

  /** Marks rows whose file was not found missing; returns their ids. */
  markMissing(known: Map<string, KnownTrack>, seen: Set<string>): number[] {
    const now = this.now();
    const ids: number[] = [];
    this.db.transaction(() => {
      for (const [path, k] of known) {
        if (seen.has(path) || k.status === 'missing') continue;
        this.tracks.markMissing(k.id, now);
        ids.push(k.id);
      }
    }).immediate();
    return ids;
  }

  finishRoot(issues: WalkIssue[]): void {
    recordRootScan(this.db, this.root.id, issues, this.now());
  }

  private row(outcome: ReadOutcome, now: number): ScannedTrackRow {
    const f = outcome.file;
    const m = outcome.kind === 'ok' ? outcome.meta : null;
    return {
      root_id: this.root.id,
      path: f.path,
      dir: dirname(f.path),
      filename: basename(f.path),
      size: f.size,
      mtime_ms: f.mtimeMs,
      fingerprint: outcome.fingerprint,
      status: outcome.kind,
      error: outcome.kind === 'error' ? outcome.error : null,
      format: m?.format ?? null,
      codec: m?.codec ?? null,
      duration_s: m?.durationS ?? null,
      sample_rate: m?.sampleRate ?? null,
      channels: m?.channels ?? null,
      bitrate: m?.bitrate ?? null,
      title: m?.title ?? null,
      artist: m?.artist ?? null,
      album: m?.album ?? null,
      album_artist: m?.albumArtist ?? null,
      genre: m && m.genres.length > 0 ? m.genres.join('; ') : null,
      genres_json: JSON.stringify(m?.genres ?? []),
      year: m?.year ?? null,
      track_no: m?.trackNo ?? null,
      now,
    };
  }
}
