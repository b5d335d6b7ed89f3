import { resolve } from 'node:path';
import { aggregationNames, modelKinds } from '../../core/models/store/model-manifest.ts';
import type { AudioRunOptions } from '../../core/training/runs/requests.ts';
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

/** Options shared by train and evaluate for audio datasets (CNN, MLFI, ensemble, SVM on audio). */
export const audioOptionSpecs = {
  cache: { type: 'string' },
  fresh: { type: 'boolean' },
  epochs: { type: 'string' },
  interaction: { type: 'string' },
  mode: { type: 'string' },
  aggregation: { type: 'string' },
} as const;

export const audioUsage =
  'Audio datasets (a folder of <genre>/<file> audio or a labels.csv with path,genre): every file is analysed once\n' +
  '(2 worker threads) and cached by content hash and engine version under the user cache folder or --cache DIR;\n' +
  'cross-validation fold results are cached there too (--fresh recomputes them).\n' +
  '--epochs N: most training epochs (CNN, MLFI; early stopping on the validation tracks usually ends sooner).\n' +
  '--interaction none|audio|vision|two-way, --mode A|B: the MLFI variant (default two-way B; none = the late-fusion\n' +
  '  benchmark). --aggregation mean|geometric-mean|majority-vote: segments -> track (default mean).';

export function parseAudioOptions(values: { cache?: string; fresh?: boolean; epochs?: string; interaction?: string; mode?: string; aggregation?: string }): AudioRunOptions {
  let epochs: number | undefined;
  if (values.epochs !== undefined) {
    epochs = Number(values.epochs);
    if (!Number.isInteger(epochs) || epochs < 1) throw new UsageError('--epochs takes a whole number of at least 1');
  }
  return {
    cacheDir: values.cache ? resolve(values.cache) : undefined,
    fresh: values.fresh === true ? true : undefined,
    epochs,
    interaction: parseChoice('interaction', values.interaction, ['none', 'audio', 'vision', 'two-way'] as const),
    mode: parseChoice('mode', values.mode, ['A', 'B'] as const),
    aggregation: parseChoice('aggregation', values.aggregation, aggregationNames),
  };
}
