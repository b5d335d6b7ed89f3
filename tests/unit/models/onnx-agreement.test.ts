import { beforeAll, describe, expect, it } from 'vitest';
import { buildDongCnn, dongCnnInputShape } from '../../../src/main/core/models/cnn/dong-cnn.ts';
import { buildMlfi, mlfiFeatureShape, mlfiMelShape } from '../../../src/main/core/models/mlfi/mlfi-model.ts';
import type { MlfiInteraction, MlfiMode } from '../../../src/main/core/models/mlfi/mlfi-model.ts';
import { exportToOnnx } from '../../../src/main/core/models/onnx/export-onnx.ts';
import { loadTfRuntime } from '../../../src/main/core/models/runtime/load-tfjs.ts';
import { openOnnxModel } from '../../../src/main/core/models/runtime/onnx-session.ts';
import type { LayersModel, Tensor, Tf } from '../../../src/main/core/models/runtime/tfjs-types.ts';
import type { TensorData } from '../../../src/main/core/models/tensor-data.ts';
import { SeededRandom } from '../../../src/main/core/random/seeded-random.ts';

let tf: Tf;
beforeAll(async () => {
  tf = (await loadTfRuntime('wasm')).tf;
});

/**
 * Random but non-trivial weights: batch-norm statistics away from (0, 1), and a final layer scaled up so the
 * probabilities are far from uniform (a flat softmax would hide disagreements).
 */
function randomise(model: LayersModel, random: SeededRandom): void {
  for (const layer of model.layers) {
    const weights = layer.getWeights();
    if (weights.length === 0) continue;
    const isBn = layer.getClassName() === 'BatchNormalization';
    const isOutput = layer.name === 'probabilities';
    layer.setWeights(
      weights.map((w, i) => {
        const data = w.dataSync().slice() as Float32Array;
        for (let j = 0; j < data.length; j++) {
          if (isBn) data[j] = i === 0 ? 1 + 0.3 * random.normal() : i === 3 ? 0.5 + random.next() : 0.3 * random.normal();
          else if (isOutput) data[j] *= 40;
          else if (i > 0 || w.shape.length === 1) data[j] = 0.05 * random.normal(); // biases
        }
        return tf.tensor(data, w.shape);
      }),
    );
  }
}

function input(shape: readonly number[], n: number, random: SeededRandom): TensorData {
  const s = [n, ...shape.slice(1)];
  return { data: Float32Array.from({ length: s.reduce((a, b) => a * b) }, () => random.normal()), shape: s };
}

async function agreement(model: LayersModel, inputs: Record<string, TensorData>): Promise<{ maxDiff: number; maxProb: number }> {
  const xs = model.inputNames.map((name) => tf.tensor(inputs[name].data, inputs[name].shape));
  const y = model.predict(xs.length === 1 ? xs[0] : xs) as Tensor;
  const expected = (await y.data()) as Float32Array;
  tf.dispose([...xs, y]);
  const onnx = await openOnnxModel(exportToOnnx(model), { threads: 1 });
  try {
    expect([...onnx.inputNames].sort()).toEqual(Object.keys(inputs).sort());
    const got = await onnx.run(inputs);
    expect(got.shape).toEqual([inputs[Object.keys(inputs)[0]].shape[0], 10]);
    let maxDiff = 0;
    for (let i = 0; i < expected.length; i++) maxDiff = Math.max(maxDiff, Math.abs(expected[i] - got.data[i]));
    console.info(`${model.name}: max |p_tfjs - p_onnx| = ${maxDiff.toExponential(2)} over ${expected.length} probabilities`);
    return { maxDiff, maxProb: Math.max(...expected) };
  } finally {
    await onnx.close();
  }
}

describe('tfjs (training runtime) and onnxruntime (inference runtime) agree', () => {
  it('Dong CNN', async () => {
    const random = new SeededRandom(1);
    const model = buildDongCnn(tf, { classes: 10, seed: 3 });
    randomise(model, random);
    const { maxDiff, maxProb } = await agreement(model, { melspec: input(dongCnnInputShape, 4, random) });
    model.dispose();
    expect(maxProb).toBeGreaterThan(0.5);
    expect(maxDiff).toBeLessThanOrEqual(1e-4);
  });

  const variants: [MlfiInteraction, MlfiMode][] = [
    ['none', 'B'],
    ['two-way', 'A'],
    ['two-way', 'B'],
  ];
  for (const [interaction, mode] of variants) {
    it(`MLFI ${interaction === 'none' ? 'benchmark (late fusion)' : `${interaction} interaction, mode ${mode}`}`, async () => {
      const random = new SeededRandom(2);
      const model = buildMlfi(tf, { classes: 10, interaction, mode, seed: 5 });
      randomise(model, random);
      const { maxDiff, maxProb } = await agreement(model, {
        melspec: input(mlfiMelShape, 3, random),
        features: input(mlfiFeatureShape, 3, random),
      });
      model.dispose();
      expect(maxProb).toBeGreaterThan(0.5);
      expect(maxDiff).toBeLessThanOrEqual(1e-4);
    });
  }
});
