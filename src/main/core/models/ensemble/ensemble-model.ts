import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelKind } from '../store/model-kinds.ts';
import type { ModelStore, ModelVersion } from '../store/model-store.ts';

export const ensembleModelFile = 'ensemble.json';

/** An ensemble version's own file: which member versions it combines, with which weights (summing to 1). */
export interface EnsembleModel {
  labels: string[];
  /** Kinds that are not combiners (models/kinds/registry.ts: ensembleMemberKinds). */
  members: { kind: ModelKind; version: string; weight: number }[];
}

export function loadEnsembleModel(version: ModelVersion): EnsembleModel {
  if (version.manifest.kind !== 'ensemble') throw new Error(`${version.manifest.kind}/${version.manifest.version} is not an ensemble`);
  const file = join(version.dir, version.manifest.files.ensemble ?? ensembleModelFile);
  let model: EnsembleModel;
  try {
    model = JSON.parse(readFileSync(file, 'utf8')) as EnsembleModel;
  } catch (error) {
    throw new Error(`Cannot read ${file}: ${(error as Error).message}`);
  }
  if (!Array.isArray(model.members) || model.members.length === 0) throw new Error(`${file} lists no members`);
  const total = model.members.reduce((a, m) => a + m.weight, 0);
  if (model.members.some((m) => !(m.weight >= 0)) || !(total > 0)) throw new Error(`${file}: weights must be non-negative and not all zero`);
  if (model.labels.join() !== version.manifest.labels.join()) throw new Error(`${file}: its labels differ from the manifest's`);
  return model;
}

export interface ResolvedEnsembleMember {
  kind: ModelKind;
  weight: number;
  version: ModelVersion;
  /** True when the recorded version is gone and the active version of its kind stands in. */
  substituted: boolean;
}

/**
 * The member versions of an ensemble in a store. A member version that no longer exists (the user removed it) is
 * replaced by the active version of its kind, flagged `substituted` (its weight was tuned for the original).
 */
export function resolveEnsembleMembers(model: EnsembleModel, store: ModelStore): ResolvedEnsembleMember[] {
  return model.members.map((m) => {
    const found = store.list(m.kind).find((v) => v.manifest.version === m.version);
    if (found) return { kind: m.kind, weight: m.weight, version: found, substituted: false };
    const active = store.active(m.kind);
    if (!active) throw new Error(`The ensemble needs a ${m.kind} model (${m.version}), and none is installed`);
    return { kind: m.kind, weight: m.weight, version: active, substituted: true };
  });
}
