import type { InstalledModel } from '../models/kinds/installed-model.ts';
import { kindNamesByPreference, modelKind } from '../models/kinds/registry.ts';
import type { ModelKind, ModelManifest } from '../models/store/model-manifest.ts';
import type { ModelStore } from '../models/store/model-store.ts';

/** A model version the classifier runs (the active one of its kind): plain data, so it can be sent to worker threads. */
export type ActiveModel = InstalledModel;

/** The accuracy a manifest reports for its model: test split, else cross-validation, else validation; null if none. */
export function headlineAccuracy(manifest: ModelManifest): number | null {
  const m = manifest.metrics;
  return m.test?.accuracy ?? m.crossValidation?.pooled.accuracy ?? m.valid?.accuracy ?? null;
}

/**
 * The order in which models speak for a track (first = the prediction shown in the library table): the ensemble
 * (a combiner) when there is one, then single models by the accuracy their manifests report, then in the kinds'
 * order of preference (cnn, mlfi, svm; models/kinds/registry.ts).
 */
export function byPreference(models: readonly ActiveModel[]): ActiveModel[] {
  const isCombiner = (m: ActiveModel): boolean => modelKind(m.kind).role === 'combiner';
  return [...models].sort((a, b) => {
    if (isCombiner(a) || isCombiner(b)) return kindNamesByPreference.indexOf(a.kind) - kindNamesByPreference.indexOf(b.kind);
    const accA = headlineAccuracy(a.manifest) ?? -1;
    const accB = headlineAccuracy(b.manifest) ?? -1;
    return accB - accA || kindNamesByPreference.indexOf(a.kind) - kindNamesByPreference.indexOf(b.kind);
  });
}

/**
 * The active version of every model kind in the store (or of the kinds asked for), in order of preference.
 * Whatever is active is used: the shipped CNN, MLFI, SVM and ensemble until the user activates versions of their own.
 */
export function activeModels(store: ModelStore, kinds?: readonly ModelKind[]): ActiveModel[] {
  const found: ActiveModel[] = [];
  for (const kind of kinds ?? kindNamesByPreference) {
    const v = store.active(kind);
    if (v) found.push({ kind, version: v.manifest.version, dir: v.dir, manifest: v.manifest });
  }
  return byPreference(found);
}
