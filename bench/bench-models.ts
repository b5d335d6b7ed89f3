import { buildDongCnn } from '../src/main/core/models/cnn/dong-cnn.ts';
import { buildMlfi, mlfiInput } from '../src/main/core/models/mlfi/mlfi-model.ts';
import type { LayersModel, Tf } from '../src/main/core/models/runtime/tfjs-types.ts';
import type { TensorData } from '../src/main/core/models/tensor-data.ts';
import { SeededRandom } from '../src/main/core/random/seeded-random.ts';

/** The three segment-model architectures, with the shapes of one batch of their inputs. */
export const benchModels = [
  { name: 'Dong CNN', build: (tf: Tf) => buildDongCnn(tf, { classes: 10 }), inputs: [['melspec', [64, 256, 1]]] },
  {
    name: 'MLFI benchmark',
    build: (tf: Tf) => buildMlfi(tf, { classes: 10, interaction: 'none' }),
    inputs: [['melspec', [mlfiInput.melBands, mlfiInput.frames, 1]], ['features', [mlfiInput.features]]],
  },
  {
    name: 'MLFI two-way B',
    build: (tf: Tf) => buildMlfi(tf, { classes: 10, interaction: 'two-way', mode: 'B' }),
    inputs: [['melspec', [mlfiInput.melBands, mlfiInput.frames, 1]], ['features', [mlfiInput.features]]],
  },
] as const satisfies readonly { name: string; build: (tf: Tf) => LayersModel; inputs: readonly (readonly [string, readonly number[]])[] }[];

export function randomBatch(inputs: readonly (readonly [string, readonly number[]])[], n: number, seed = 1): Record<string, TensorData> {
  const random = new SeededRandom(seed);
  return Object.fromEntries(
    inputs.map(([name, shape]) => {
      const s = [n, ...shape];
      return [name, { data: Float32Array.from({ length: s.reduce((a, b) => a * b) }, () => random.normal()), shape: s }];
    }),
  );
}

/** Runs `step` until at least `seconds` have passed (after one warm-up call); returns calls per second. */
export async function rate(step: () => Promise<void>, seconds: number): Promise<number> {
  await step();
  let calls = 0;
  const started = performance.now();
  while (performance.now() - started < seconds * 1000 || calls < 2) {
    await step();
    calls++;
  }
  return calls / ((performance.now() - started) / 1000);
}
