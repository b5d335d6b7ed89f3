import type { ModelKind, ModelManifest } from '../models/store/model-manifest.ts';
import type { ModelStore } from '../models/store/model-store.ts';

/** A model version the classifier runs: plain data, so it can be sent to worker threads. */
export interface ActiveModel {
  kind: ModelKind;
  version: string;
  /** The version folder (weights + manifest.json). */
  dir: string;
  manifest: ModelManifest;
}

const kindOrder: readonly ModelKind[] = ['ensemble', 'cnn', 'mlfi', 'svm'];

/** The accuracy a manifest reports for its model: test split, else cross-validation, else validation; null if none. */
export function headlineAccuracy(manifest: ModelManifest): number | null {
  const m = manifest.metrics;
  return m.test?.accuracy ?? m.crossValidation?.pooled.accuracy ?? m.valid?.accuracy ?? null;
}

/**
 * The order in which models speak for a track (first = the prediction shown in the library table): the ensemble
 * when there is one, then single models by the accuracy their manifests report, then cnn, mlfi, svm.
 */
export function byPreference(models: readonly ActiveModel[]): ActiveModel[] {
  return [...models].sort((a, b) => {
    if (a.kind === 'ensemble' || b.kind === 'ensemble') return kindOrder.indexOf(a.kind) - kindOrder.indexOf(b.kind);
    const accA = headlineAccuracy(a.manifest) ?? -1;
    const accB = headlineAccuracy(b.manifest) ?? -1;
    return accB - accA || kindOrder.indexOf(a.kind) - kindOrder.indexOf(b.kind);
  });
}

/**
 * The active version of every model kind in the store (or of the kinds asked for), in order of preference.
 * Whatever is active is used: the shipped CNN, MLFI, SVM and ensemble until the user activates versions of their own.
 */
export function activeModels(store: ModelStore, kinds?: readonly ModelKind[]): ActiveModel[] {
  const found: ActiveModel[] = [];
  for (const kind of kinds ?? kindOrder) {
    const v = store.active(kind);
    if (v) found.push({ kind, version: v.manifest.version, dir: v.dir, manifest: v.manifest });
  }
  return byPreference(found);
}
