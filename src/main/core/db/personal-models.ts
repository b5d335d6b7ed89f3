import { float32Blob, readFloat32Blob } from './blob-codec.ts';
import type { PersonalModelSpec } from '../personal/personal-model.ts';
import { predictPersonal } from '../personal/personal-model.ts';
import type { RetrainReport } from '../personal/retrain-personal.ts';
import type { Database } from './database.ts';
import { readEmbeddings } from './track-embeddings.ts';

export interface PersonalVersionRecord {
  version: string;
  createdAt: number;
  activatedAt: number | null;
  active: boolean;
  genres: string[];
  report: RetrainReport;
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
    report: JSON.parse(r.report_json) as RetrainReport,
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
  v: { version: string; spec: PersonalModelSpec; report: RetrainReport; labels: ReadonlyMap<number, readonly string[]>; now?: number },
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

/**
 * Makes `version` the active personal model (null: none, the base models speak again) and refreshes every track's
 * prediction from the stored embeddings, in one transaction. `basePreference`: the base model kinds in order of
 * preference, for the tracks the personal model cannot predict and for when none is active.
 */
export function activatePersonalVersion(db: Database, version: string | null, basePreference: readonly string[], now = Date.now()): { predicted: number } {
  return db.transaction(() => {
    db.prepare('UPDATE personal_models SET active = 0 WHERE active = 1').run();
    if (version !== null) {
      const changed = db.prepare('UPDATE personal_models SET active = 1, activated_at = ? WHERE version = ?').run(now, version).changes;
      if (changed === 0) throw new Error(`No personal model version ${version}`);
    }
    return refreshPersonalPredictions(db, basePreference, undefined, now);
  })();
}

/**
 * Predicts tracks with the active personal model from their stored embeddings (all tracks, or `trackIds`), stores
 * the predictions and sets each track's shown prediction: the personal model's where it could predict, else the
 * preferred base model's. Deterministic: the same model and embeddings give byte-identical predictions.
 */
export function refreshPersonalPredictions(db: Database, basePreference: readonly string[], trackIds?: readonly number[], now = Date.now()): { predicted: number } {
  const active = activePersonalSpec(db);
  const ids = trackIds ? JSON.stringify(trackIds) : null;
  const run = (): { predicted: number } => {
    db.prepare('DELETE FROM personal_predictions WHERE @ids IS NULL OR track_id IN (SELECT value FROM json_each(@ids))').run({ ids });
    // Everything back to the base models first.
    const order = basePreference.length > 0 ? basePreference : ['ensemble', 'cnn', 'mlfi', 'svm'];
    // The preferred kind first; kinds outside the list after it.
    const rank = `coalesce((SELECT key FROM json_each(@order) WHERE value = p.model_kind), ${order.length})`;
    db.prepare(
      `UPDATE tracks SET (predicted_genre, predicted_confidence) = (
         SELECT p.top_genre, p.confidence FROM predictions p WHERE p.track_id = tracks.id AND p.content_version = tracks.content_version
         ORDER BY ${rank} LIMIT 1)
       WHERE @ids IS NULL OR id IN (SELECT value FROM json_each(@ids))`,
    ).run({ order: JSON.stringify(order), ids });
    if (!active) return { predicted: 0 };
    const insert = db.prepare(
      `INSERT INTO personal_predictions (track_id, model_version, content_version, labels_json, probabilities, top_genre, confidence, predicted_at)
       SELECT ?, ?, content_version, ?, ?, ?, ?, ? FROM tracks WHERE id = ?`,
    );
    const top = db.prepare('UPDATE tracks SET predicted_genre = ?, predicted_confidence = ? WHERE id = ?');
    const genresJson = JSON.stringify(active.spec.genres);
    const k = active.spec.genres.length;
    let predicted = 0;
    for (const block of readEmbeddings(db, trackIds)) {
      if (!active.spec.featureNames.every((f) => block.columns.includes(f))) continue; // an older layout: listen again
      const p = predictPersonal(active.spec, block.columns, block.rows, block.trackIds.length);
      block.trackIds.forEach((id, i) => {
        let best = 0;
        for (let c = 1; c < k; c++) if (p[i * k + c] > p[i * k + best]) best = c;
        const probs = Float32Array.from(p.subarray(i * k, i * k + k));
        insert.run(id, active.version, genresJson, float32Blob(probs), active.spec.genres[best], probs[best], now, id);
        top.run(active.spec.genres[best], probs[best], id);
        predicted++;
      });
    }
    return { predicted };
  };
  return db.inTransaction ? run() : db.transaction(run)();
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
