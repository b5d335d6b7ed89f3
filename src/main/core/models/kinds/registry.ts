import { cnnKind } from '../cnn/cnn-kind.ts';
import { ensembleKind } from '../ensemble/ensemble-kind.ts';
import { mlfiKind } from '../mlfi/mlfi-kind.ts';
import type { ModelKind } from '../store/model-kinds.ts';
import { modelKinds } from '../store/model-kinds.ts';
import { svmKind } from '../svm/svm-kind.ts';
import type { CombinerModelKind, ModelKindDescriptor, ModelRole, SegmentModelKind, WindowModelKind } from './model-kind.ts';

/**
 * Every kind of genre model. A new kind is a folder of models/ with its descriptor (model-kind.ts says what one
 * holds), its name in store/model-kinds.ts (the list the manifest schema and the database accept; TypeScript then
 * asks for its entry here) and its entry here.
 */
const registry: { readonly [K in ModelKind]: ModelKindDescriptor<K> } = {
  svm: svmKind,
  cnn: cnnKind,
  mlfi: mlfiKind,
  ensemble: ensembleKind,
};

/** The descriptor of a kind; throws for a name that is none (e.g. read from a file or the command line). */
export function modelKind(kind: string): ModelKindDescriptor {
  const found = (registry as Record<string, ModelKindDescriptor | undefined>)[kind];
  if (!found) throw new Error(`Unknown model kind ${kind} (known: ${modelKinds.join(', ')})`);
  return found;
}

/** Every kind, in the default order in which models speak for a track (the ensemble, cnn, mlfi, svm). */
export const kindsByPreference: readonly ModelKindDescriptor[] = modelKinds.map((k) => registry[k]).sort((a, b) => a.preference - b.preference);

/** The names of kindsByPreference. */
export const kindNamesByPreference: readonly ModelKind[] = kindsByPreference.map((k) => k.name);

/** The kinds of one role, in order of preference. */
export function kindsWithRole(role: 'segment'): SegmentModelKind[];
export function kindsWithRole(role: 'window'): WindowModelKind[];
export function kindsWithRole(role: 'combiner'): CombinerModelKind[];
export function kindsWithRole(role: ModelRole): ModelKindDescriptor[] {
  return kindsByPreference.filter((k) => k.role === role);
}

/** The kinds an ensemble may combine: every kind that is not a combiner, in the order of model-kinds.ts (svm, cnn, mlfi). */
export const ensembleMemberKinds: readonly ModelKind[] = modelKinds.filter((k) => registry[k].role !== 'combiner');

/** The descriptor of a segment model kind; throws for any other kind. */
export function segmentModelKind(kind: string): SegmentModelKind {
  const found = modelKind(kind);
  if (found.role !== 'segment') throw new Error(`${kind} is not a segment model (${kindsWithRole('segment').map((k) => k.name).join(', ')} are)`);
  return found;
}
