import type { Database } from '../db/database.ts';
import { activePersonalSpec, PersonalPredictionWriter, setActivePersonalVersion, showBasePredictions } from '../db/personal-models.ts';
import { readEmbeddings } from '../db/track-embeddings.ts';
import { predictPersonal } from './personal-model.ts';

/**
 * Makes `version` the active personal model (null: none, the base models speak again) and refreshes every track's
 * prediction from the stored embeddings, in one transaction. `basePreference`: the base model kinds in order of
 * preference, for the tracks the personal model cannot predict and for when none is active.
 */
export function activatePersonalVersion(db: Database, version: string | null, basePreference: readonly string[], now = Date.now()): { predicted: number } {
  return db.transaction(() => {
    setActivePersonalVersion(db, version, now);
    return refreshPersonalPredictions(db, basePreference, undefined, now);
  }).immediate();
}

/**
 * Predicts tracks with the active personal model from their stored embeddings (all tracks, or `trackIds`), stores
 * the predictions and sets each track's shown prediction: the personal model's where it could predict, else the
 * preferred base model's. Deterministic: the same model and embeddings give byte-identical predictions. Runs in
 * the caller's transaction when there is one, else in its own.
 */
export function refreshPersonalPredictions(db: Database, basePreference: readonly string[], trackIds?: readonly number[], now = Date.now()): { predicted: number } {
  const active = activePersonalSpec(db);
  const run = (): { predicted: number } => {
    // Everything back to the base models first.
    showBasePredictions(db, basePreference, trackIds);
    if (!active) return { predicted: 0 };
    const writer = new PersonalPredictionWriter(db, { version: active.version, genres: active.spec.genres });
    const k = active.spec.genres.length;
    let predicted = 0;
    for (const block of readEmbeddings(db, trackIds)) {
      if (!active.spec.featureNames.every((f) => block.columns.includes(f))) continue; // an older layout: listen again
      const p = predictPersonal(active.spec, block.columns, block.rows, block.trackIds.length);
      block.trackIds.forEach((id, i) => {
        let best = 0;
        for (let c = 1; c < k; c++) if (p[i * k + c] > p[i * k + best]) best = c;
        writer.write(id, Float32Array.from(p.subarray(i * k, i * k + k)), best, now);
        predicted++;
      });
    }
    return { predicted };
  };
  return db.inTransaction ? run() : db.transaction(run).immediate();
}
