import type { Database } from '../../core/db/database.ts';
import { readTrackPredictions } from '../../core/db/prediction-rows.ts';
import type { StoredPrediction } from '../../core/db/prediction-rows.ts';

/** One track of `genre-tagger classify`'s report. */
export interface ClassifiedTrack {
  trackId: number;
  path: string;
  status: 'ok' | 'error' | 'missing';
  /** Why the file could not be read or decoded. */
  error: string | null;
  /** The prediction printed (the chosen model's), or null when there is none. */
  prediction: StoredPrediction | null;
  /** Every model's prediction of the track. */
  all: StoredPrediction[];
}

/** Tracks below the given library folders, in path order, with their predictions; `kind` picks the one shown. */
export function* classifiedTracks(db: Database, rootIds: readonly number[], kind: string): Generator<ClassifiedTrack> {
  const rows = db
    .prepare(`SELECT id, path, status, error FROM tracks WHERE root_id IN (SELECT value FROM json_each(?)) AND status <> 'missing' ORDER BY path`)
    .iterate(JSON.stringify(rootIds)) as IterableIterator<{ id: number; path: string; status: ClassifiedTrack['status']; error: string | null }>;
  for (const r of rows) {
    const all = readTrackPredictions(db, r.id);
    yield { trackId: r.id, path: r.path, status: r.status, error: r.error, prediction: all.find((p) => p.kind === kind) ?? null, all };
  }
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
    model: p ? { kind: p.kind, version: p.version } : null,
    genre: p ? p.labels[order[0]] : null,
    confidence: p ? Number(p.probabilities[order[0]].toFixed(6)) : null,
    runnerUp: p && order.length > 1 ? p.labels[order[1]] : null,
    runnerUpConfidence: p && order.length > 1 ? Number(p.probabilities[order[1]].toFixed(6)) : null,
    probabilities: p ? probs(p) : null,
    models: Object.fromEntries(t.all.map((m) => [m.kind, { version: m.version, genre: m.top, confidence: Number(m.confidence.toFixed(6)), probabilities: probs(m) }])),
  });
}

/** A text line: genre, confidence, runner-up, path (or why the file could not be read). */
export function classifiedText(t: ClassifiedTrack): string {
  if (t.status === 'error') return `${'unreadable'.padEnd(12)} ${''.padEnd(6)}  ${''.padEnd(18)}  ${t.path}\n${' '.repeat(14)}${t.error ?? ''}`;
  const p = t.prediction;
  if (!p) return `${'—'.padEnd(12)} ${''.padEnd(6)}  ${'(not classified)'.padEnd(18)}  ${t.path}`;
  const order = ranked(p);
  const runner = order.length > 1 ? `${p.labels[order[1]]} ${pct(p.probabilities[order[1]])}` : '';
  return `${p.labels[order[0]].padEnd(12)} ${pct(p.probabilities[order[0]]).padStart(6)}  ${runner.padEnd(18)}  ${t.path}`;
}

export const classifiedHeader = `${'GENRE'.padEnd(12)} ${'CONF'.padStart(6)}  ${'RUNNER-UP'.padEnd(18)}  PATH`;
