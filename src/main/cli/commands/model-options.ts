import { modelKinds } from '../../core/models/store/model-manifest.ts';
import type { ModelKind } from '../../core/models/store/model-manifest.ts';
import { UsageError } from '../command.ts';

export function parseModelKind(value: string | undefined): ModelKind {
  if (!value) throw new UsageError(`Name the model: --model ${modelKinds.join('|')}`);
  if (!(modelKinds as readonly string[]).includes(value)) throw new UsageError(`Unknown model ${value}; use one of ${modelKinds.join(', ')}`);
  return value as ModelKind;
}

export function parseFolds(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 3) throw new UsageError('--folds takes a whole number of at least 3');
  return n;
}

export function parseSeed(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError('--seed takes a non-negative whole number');
  return n;
}

export function parseChoice<T extends string>(name: string, value: string | undefined, choices: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value)) throw new UsageError(`--${name} takes one of ${choices.join(', ')}`);
  return value as T;
}
