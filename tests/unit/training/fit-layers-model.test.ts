import { beforeAll, describe, expect, it } from 'vitest';
import { loadTfRuntime } from '../../../src/main/core/models/runtime/load-tfjs.ts';
import type { LayersModel, Tensor, Tf } from '../../../src/main/core/models/runtime/tfjs-types.ts';
import type { TrainingBatch } from '../../../src/main/core/training/fit/fit-layers-model.ts';
import { fitLayersModel } from '../../../src/main/core/training/fit/fit-layers-model.ts';
import { SeededRandom } from '../../../src/main/core/random/seeded-random.ts';

let tf: Tf;
beforeAll(async () => {
  tf = (await loadTfRuntime('wasm')).tf;
});

/** Three Gaussian blobs in 4-D: a problem a small dense net learns in a few epochs. */
function blobs(n: number, random: SeededRandom): { x: Float32Array; y: Int32Array } {
  const x = new Float32Array(n * 4);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 3;
    for (let j = 0; j < 4; j++) x[i * 4 + j] = (j === y[i] ? 3 : 0) + random.normal();
  }
  return { x, y };
}

function net(): LayersModel {
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [4], units: 16, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
  m.add(tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
  return m;
}

function* batches(data: { x: Float32Array; y: Int32Array }, random: SeededRandom, size = 16): Iterable<TrainingBatch> {
  const order = random.shuffle(Array.from(data.y.keys()));
  for (let b = 0; b < order.length; b += size) {
    const idx = order.slice(b, b + size);
    const x = new Float32Array(idx.length * 4);
    idx.forEach((i, r) => x.set(data.x.subarray(i * 4, i * 4 + 4), r * 4));
    yield { inputs: [{ data: x, shape: [idx.length, 4] }], labels: Int32Array.from(idx, (i) => data.y[i]) };
  }
}

function validator(model: LayersModel, data: { x: Float32Array; y: Int32Array }) {
  return () =>
    tf.tidy(() => {
      const p = model.predict(tf.tensor2d(data.x, [data.y.length, 4])) as Tensor;
      const ys = tf.oneHot(tf.tensor1d(data.y, 'int32'), 3);
      const loss = tf.losses.softmaxCrossEntropy(ys, tf.log(p)).dataSync()[0];
      const acc = tf.mean(tf.cast(tf.equal(tf.argMax(p, 1), tf.tensor1d(data.y, 'int32')), 'float32')).dataSync()[0];
      return { loss, accuracy: acc };
    });
}

describe('fitLayersModel (Adam, reduce-on-plateau, early stopping)', () => {
  it('learns a separable problem and keeps the best validation weights', async () => {
    const random = new SeededRandom(1);
    const train = blobs(300, random);
    const valid = blobs(90, random);
    const model = net();
    const progress: number[] = [];
    const result = await fitLayersModel({
      tf,
      model,
      classes: 3,
      epochs: 12,
      learningRate: 0.01,
      trainBatches: (_epoch, r) => batches(train, r),
      validate: validator(model, valid),
      onProgress: (p) => progress.push(p.epoch),
    });
    expect(result.history.length).toBeGreaterThan(2);
    expect(result.history[result.history.length - 1].trainLoss).toBeLessThan(result.history[0].trainLoss);
    expect(result.best.accuracy).toBeGreaterThan(0.9);
    const after = validator(model, valid)();
    expect(after.loss).toBeCloseTo(result.best.loss, 5);
    expect(progress.length).toBeGreaterThan(result.history.length);
    model.dispose();
  });

  it('halves the learning rate on a plateau and stops early when validation stops improving', async () => {
    const random = new SeededRandom(2);
    const train = blobs(60, random);
    const model = net();
    let call = 0;
    const result = await fitLayersModel({
      tf,
      model,
      classes: 3,
      epochs: 30,
      learningRate: 0.01,
      reduceOnPlateau: { factor: 0.5, patience: 1, minLearningRate: 1e-4 },
      earlyStoppingPatience: 3,
      trainBatches: (_e, r) => batches(train, r),
      // A validation loss that improves twice and then never again.
      validate: () => ({ loss: [1, 0.5, 0.6, 0.7, 0.8, 0.9][Math.min(call++, 5)], accuracy: 0 }),
    });
    expect(result.stoppedEarly).toBe(true);
    expect(result.bestEpoch).toBe(1);
    expect(result.history).toHaveLength(5);
    expect(result.history.map((h) => h.learningRate)).toEqual([0.01, 0.01, 0.01, 0.005, 0.0025]);
    model.dispose();
  });

  it('cancels between batches through an AbortSignal', async () => {
    const random = new SeededRandom(3);
    const train = blobs(200, random);
    const model = net();
    const controller = new AbortController();
    let seen = 0;
    await expect(
      fitLayersModel({
        tf,
        model,
        classes: 3,
        epochs: 5,
        signal: controller.signal,
        trainBatches: (_e, r) => batches(train, r),
        validate: () => ({ loss: 1, accuracy: 0 }),
        onProgress: () => {
          if (++seen === 3) controller.abort(new Error('stop requested'));
        },
      }),
    ).rejects.toThrow('stop requested');
    expect(seen).toBe(3);
    model.dispose();
  });
});
