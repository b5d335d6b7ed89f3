import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InstalledModel } from '../kinds/installed-model.ts';
import type { ModelKind } from '../store/model-kinds.ts';

export interface EnsembleMember {
  kind: ModelKind;
  /** The version the weights were chosen for, when the manifest names it. */
  version: string | null;
  weight: number;
}

/** "svm, cnn or mlfi" */
const listOr = (kinds: readonly string[]): string => (kinds.length > 1 ? `${kinds.slice(0, -1).join(', ')} or ${kinds[kinds.length - 1]}` : kinds.join(''));

/** Reads members from the shapes an ensemble description may take (see ensembleMembers). */
function parseMembers(source: unknown, where: string, memberKinds: readonly ModelKind[]): EnsembleMember[] | null {
  const isMemberKind = (k: unknown): k is ModelKind => typeof k === 'string' && (memberKinds as readonly string[]).includes(k);
  if (typeof source !== 'object' || source === null) return null;
  const o = source as Record<string, unknown>;
  if (Array.isArray(o.members) && o.members.every((m) => typeof m === 'object' && m !== null && 'kind' in m)) {
    return (o.members as Record<string, unknown>[]).map((m, i) => {
      const weight = typeof m.weight === 'number' ? m.weight : Array.isArray(o.weights) ? Number(o.weights[i]) : NaN;
      if (!isMemberKind(m.kind) || !(weight >= 0)) throw new Error(`${where}: member ${i} needs a kind (${memberKinds.join(', ')}) and a weight >= 0`);
      return { kind: m.kind, version: typeof m.version === 'string' ? m.version : null, weight };
    });
  }
  if (Array.isArray(o.weights)) {
    const kinds = Array.isArray(o.members) ? o.members : Array.isArray(o.kinds) ? o.kinds : null;
    if (!kinds || kinds.length !== o.weights.length) throw new Error(`${where}: weights need a matching list of member kinds`);
    return kinds.map((k, i) => {
      const weight = Number((o.weights as unknown[])[i]);
      if (!isMemberKind(k) || !(weight >= 0)) throw new Error(`${where}: member ${i} needs a kind (${memberKinds.join(', ')}) and a weight >= 0`);
      return { kind: k, version: null, weight };
    });
  }
  if (typeof o.weights === 'object' && o.weights !== null) {
    const versions = typeof o.versions === 'object' && o.versions !== null ? (o.versions as Record<string, unknown>) : {};
    return Object.entries(o.weights as Record<string, unknown>).map(([k, w]) => {
      if (!isMemberKind(k) || typeof w !== 'number' || !(w >= 0)) throw new Error(`${where}: weight of ${k} must be a number >= 0 for ${listOr(memberKinds)}`);
      return { kind: k, version: typeof versions[k] === 'string' ? (versions[k] as string) : null, weight: w };
    });
  }
  return null;
}

/**
 * The members and weights of an ensemble version: from the file its manifest names as `files.ensemble`
 * (JSON), else from `training.params`. Accepted forms: `{ members: [{ kind, version?, weight }] }`,
 * `{ weights: [w...], members|kinds: [kind...] }`, or `{ weights: { svm: w, cnn: w, mlfi: w }, versions?: {...} }`.
 * `memberKinds`: the kinds an ensemble may combine (the registry's kinds that are not combiners).
 */
export function ensembleMembers(model: InstalledModel, memberKinds: readonly ModelKind[]): EnsembleMember[] {
  const where = `${model.kind}/${model.version}`;
  const file = model.manifest.files.ensemble;
  let members: EnsembleMember[] | null = null;
  if (file) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(join(model.dir, file), 'utf8'));
    } catch (error) {
      throw new Error(`${where}: cannot read ${file}: ${(error as Error).message}`);
    }
    members = parseMembers(json, `${where} ${file}`, memberKinds);
  }
  members ??= parseMembers(model.manifest.training.params, `${where} manifest training.params`, memberKinds);
  if (!members || members.length === 0) throw new Error(`${where}: the manifest does not say which models the ensemble combines, with which weights`);
  if (!members.some((m) => m.weight > 0)) throw new Error(`${where}: every ensemble weight is zero`);
  return members;
}
