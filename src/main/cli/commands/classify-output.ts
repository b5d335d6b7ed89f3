import type { Database } from '../../core/db/database.ts';
import { readTrackPredictions } from '../../core/db/prediction-rows.ts';
import type { StoredPrediction } from '../../core/db/prediction-rows.ts';
import { printable } from '../printable.ts';

/** One track of `genre-tagger classify`'s report. */
export interface ClassifiedTrack {
  trackId: number;
  path: string;
  status: 'ok' | 'error' | 'missing';
  /** Why the file could not be read or decoded. */
  error: string | null;
  /**
   * What listening to a readable track last said: a warning beside a prediction (classified from part of the
   * audio), or why there is no prediction (the file vanished during the job, an analysis fault).
   */
  note: string | null;
  /** The prediction printed (the chosen model's), or null when there is none. */
  prediction: StoredPrediction | null;
  /** Every model's prediction of the track. */
  all: StoredPrediction[];
}

type ReportRow = { id: number; path: string; status: ClassifiedTrack['status']; error: string | null; note: string | null };

const reportColumns = `SELECT t.id, t.path, t.status, t.error, CASE WHEN a.content_version = t.content_version THEN a.error END AS note
       FROM tracks t LEFT JOIN track_analyses a ON a.track_id = t.id`;

function reportLine(db: Database, r: ReportRow, kind: string): ClassifiedTrack {
  const all = readTrackPredictions(db, r.id);
  const note = r.status === 'ok' ? r.note : null;
  return { trackId: r.id, path: r.path, status: r.status, error: r.error, note, prediction: all.find((p) => p.kind === kind) ?? null, all };
}

/** Tracks below the given library folders, in path order, with their predictions; `kind` picks the one shown. */
export function* classifiedTracks(db: Database, rootIds: readonly number[], kind: string): Generator<ClassifiedTrack> {
  const rows = db
    .prepare(`${reportColumns} WHERE t.root_id IN (SELECT value FROM json_each(?)) AND t.status <> 'missing' ORDER BY t.path`)
    .iterate(JSON.stringify(rootIds)) as IterableIterator<ReportRow>;
  for (const r of rows) yield reportLine(db, r, kind);
}

/** One track with its predictions (as classifiedTracks gives it), or null when it is gone or missing. */
export function classifiedTrack(db: Database, trackId: number, kind: string): ClassifiedTrack | null {
  const r = db.prepare(`${reportColumns} WHERE t.id = ? AND t.status <> 'missing'`).get(trackId) as ReportRow | undefined;
  return r ? reportLine(db, r, kind) : null;
}

function ranked(p: StoredPrediction): number[] {
  return [...p.labels.keys()].sort((a, b) => p.probabilities[b] - p.probabilities[a] || a - b);
}

const pct = (p: number): string => `${(100 * p).toFixed(1)}%`;

/** A JSON line: the shown model's top genre, confidence, runner-up and every probability; all models beside. */
export function classifiedJson(t: ClassifiedTrack): string {
  const probs = (p: StoredPrediction): Record<string, number> => Object.fromEntries(p.labels.map((l, i) => [l, Number(p.probabilities[i].toFixed(6))]));
  const p = t.prediction;
  const order = p ? ranked(p) : [];
  return JSON.stringify({
    path: t.path,
    trackId: t.trackId,
    status: t.status,
    error: t.error,
    warning: t.prediction ? t.note : null,
    reason: t.prediction ? null : t.note,
    model: p ? { kind: p.kind, version: p.version } : null,
    genre: p ? p.labels[order[0]] : null,
    confidence: p ? Number(p.probabilities[order[0]].toFixed(6)) : null,
    runnerUp: p && order.length > 1 ? p.labels[order[1]] : null,
    runnerUpConfidence: p && order.length > 1 ? Number(p.probabilities[order[1]].toFixed(6)) : null,
    probabilities: p ? probs(p) : null,
    models: Object.fromEntries(t.all.map((m) => [m.kind, { version: m.version, genre: m.top, confidence: Number(m.confidence.toFixed(6)), probabilities: probs(m) }])),
  });
}

const indent = ' '.repeat(14);

/**
 * A text line: genre, confidence, runner-up, path; under it why the file could not be read or classified, or the
 * warning of a track classified from part of its audio. Control characters of a name are escaped (printable.ts).
 */
export function classifiedText(t: ClassifiedTrack): string {
  const path = printable(t.path);
  if (t.status === 'error') return `${'unreadable'.padEnd(12)} ${''.padEnd(6)}  ${''.padEnd(18)}  ${path}\n${indent}${printable(t.error ?? '')}`;
  const p = t.prediction;
  const note = t.note ? `\n${indent}${t.prediction ? 'warning: ' : ''}${printable(t.note)}` : '';
  if (!p) return `${'—'.padEnd(12)} ${''.padEnd(6)}  ${'(not classified)'.padEnd(18)}  ${path}${note}`;
  const order = ranked(p);
  const runner = order.length > 1 ? `${p.labels[order[1]]} ${pct(p.probabilities[order[1]])}` : '';
  return `${p.labels[order[0]].padEnd(12)} ${pct(p.probabilities[order[0]]).padStart(6)}  ${runner.padEnd(18)}  ${path}${note}`;
}

export const classifiedHeader = `${'GENRE'.padEnd(12)} ${'CONF'.padStart(6)}  ${'RUNNER-UP'.padEnd(18)}  PATH`;
