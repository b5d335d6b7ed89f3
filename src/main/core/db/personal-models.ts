import type { PersonalReport } from '../../../shared/api/personal.ts';
import { float32Blob, readFloat32Blob } from './blob-codec.ts';
import type { Database } from './database.ts';
import type { PersonalModelSpec } from './personal-model-spec.ts';

export interface PersonalVersionRecord {
  version: string;
  createdAt: number;
  activatedAt: number | null;
  active: boolean;
  genres: string[];
  report: PersonalReport;
}

export interface StoredPersonalModel extends PersonalVersionRecord {
  spec: PersonalModelSpec;
  /** The labels it learned from: track id -> genres. */
  labels: Map<number, string[]>;
}

interface Row {
  version: string;
  created_at: number;
  activated_at: number | null;
  active: number;
  genres_json: string;
  report_json: string;
  spec_json?: string;
  labels_json?: string;
}

function record(r: Row): PersonalVersionRecord {
  return {
    version: r.version,
    createdAt: r.created_at,
    activatedAt: r.activated_at,
    active: r.active === 1,
    genres: JSON.parse(r.genres_json) as string[],
    report: JSON.parse(r.report_json) as PersonalReport,
  };
}

/** A new version id: "personal-" and the UTC time to the millisecond, unique within the library. */
export function newPersonalVersionId(db: Database, now = new Date()): string {
  const base = `personal-${now.toISOString().replace(/[-:]/g, '').replace('T', '-').replace(/\..*$/, '')}`;
  let id = base;
  for (let n = 2; db.prepare('SELECT 1 FROM personal_models WHERE version = ?').get(id); n++) id = `${base}-${n}`;
  return id;
}

export function insertPersonalVersion(
  db: Database,
  v: { version: string; spec: PersonalModelSpec; report: PersonalReport; labels: ReadonlyMap<number, readonly string[]>; now?: number },
): void {
  db.prepare(
    `INSERT INTO personal_models (version, created_at, activated_at, active, genres_json, spec_json, report_json, labels_json)
     VALUES (?, ?, NULL, 0, ?, ?, ?, ?)`,
  ).run(v.version, v.now ?? Date.now(), JSON.stringify(v.spec.genres), JSON.stringify(v.spec), JSON.stringify(v.report), JSON.stringify([...v.labels]));
}

/** Every personal version, newest first. */
export function listPersonalVersions(db: Database): PersonalVersionRecord[] {
  return (
    db.prepare('SELECT version, created_at, activated_at, active, genres_json, report_json FROM personal_models ORDER BY created_at DESC, version DESC').all() as Row[]
  ).map(record);
}

export function readPersonalVersion(db: Database, version: string): StoredPersonalModel | null {
  const r = db.prepare('SELECT * FROM personal_models WHERE version = ?').get(version) as Row | undefined;
  if (!r) return null;
  return {
    ...record(r),
    spec: JSON.parse(r.spec_json!) as PersonalModelSpec,
    labels: new Map(JSON.parse(r.labels_json!) as [number, string[]][]),
  };
}

export function activePersonalVersion(db: Database): StoredPersonalModel | null {
  const v = db.prepare('SELECT version FROM personal_models WHERE active = 1').pluck().get() as string | undefined;
  return v ? readPersonalVersion(db, v) : null;
}

/** The active personal model's version and spec only (not the labels it learned from): what predicting needs. */
export function activePersonalSpec(db: Database): { version: string; spec: PersonalModelSpec } | null {
  const r = db.prepare('SELECT version, spec_json FROM personal_models WHERE active = 1').get() as { version: string; spec_json: string } | undefined;
  return r ? { version: r.version, spec: JSON.parse(r.spec_json) as PersonalModelSpec } : null;
}

/** Makes `version` the only active personal model (null: none); throws when there is no such version. */
export function setActivePersonalVersion(db: Database, version: string | null, now: number): void {
  db.prepare('UPDATE personal_models SET active = 0 WHERE active = 1').run();
  if (version !== null) {
    const changed = db.prepare('UPDATE personal_models SET active = 1, activated_at = ? WHERE version = ?').run(now, version).changes;
    if (changed === 0) throw new Error(`No personal model version ${version}`);
  }
}

/**
 * Drops the personal predictions of `trackIds` (all tracks when omitted) and gives each of those tracks the
 * preferred base model's prediction again: `basePreference` lists the base model kinds in order of preference,
 * kinds outside it come after them.
 */
export function showBasePredictions(db: Database, basePreference: readonly string[], trackIds?: readonly number[]): void {
  const ids = trackIds ? JSON.stringify(trackIds) : null;
  db.prepare('DELETE FROM personal_predictions WHERE @ids IS NULL OR track_id IN (SELECT value FROM json_each(@ids))').run({ ids });
  const order = basePreference.length > 0 ? basePreference : ['ensemble', 'cnn', 'mlfi', 'svm'];
  // The preferred kind first; kinds outside the list after it.
  const rank = `coalesce((SELECT key FROM json_each(@order) WHERE value = p.model_kind), ${order.length})`;
  db.prepare(
    `UPDATE tracks SET (predicted_genre, predicted_confidence) = (
       SELECT p.top_genre, p.confidence FROM predictions p WHERE p.track_id = tracks.id AND p.content_version = tracks.content_version
       ORDER BY ${rank} LIMIT 1)
     WHERE @ids IS NULL OR id IN (SELECT value FROM json_each(@ids))`,
  ).run({ order: JSON.stringify(order), ids });
}

/** Stores one personal model's predictions, each as its track's shown prediction; use inside a transaction. */
export class PersonalPredictionWriter {
  private readonly version: string;
  private readonly genres: readonly string[];
  private readonly genresJson: string;
  private readonly insert;
  private readonly top;

  constructor(db: Database, model: { version: string; genres: readonly string[] }) {
    this.version = model.version;
    this.genres = model.genres;
    this.genresJson = JSON.stringify(model.genres);
    this.insert = db.prepare(
      `INSERT INTO personal_predictions (track_id, model_version, content_version, labels_json, probabilities, top_genre, confidence, predicted_at)
       SELECT ?, ?, content_version, ?, ?, ?, ?, ? FROM tracks WHERE id = ?`,
    );
    this.top = db.prepare('UPDATE tracks SET predicted_genre = ?, predicted_confidence = ? WHERE id = ?');
  }

  /** `probabilities`: one per genre of the model; `best`: the index of the top one. */
  write(trackId: number, probabilities: Float32Array, best: number, now: number): void {
    this.insert.run(trackId, this.version, this.genresJson, float32Blob(probabilities), this.genres[best], probabilities[best], now, trackId);
    this.top.run(this.genres[best], probabilities[best], trackId);
  }
}

export interface PersonalPrediction {
  version: string;
  genres: string[];
  probabilities: Float32Array;
  top: string;
  confidence: number;
}

export function readPersonalPrediction(db: Database, trackId: number): PersonalPrediction | null {
  const r = db
    .prepare('SELECT model_version, labels_json, probabilities, top_genre, confidence FROM personal_predictions WHERE track_id = ?')
    .get(trackId) as { model_version: string; labels_json: string; probabilities: Buffer; top_genre: string; confidence: number } | undefined;
  if (!r) return null;
  return { version: r.model_version, genres: JSON.parse(r.labels_json) as string[], probabilities: readFloat32Blob(r.probabilities), top: r.top_genre, confidence: r.confidence };
}
