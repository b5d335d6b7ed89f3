import { beforeAll, describe, expect, it } from 'vitest';
import type { TfRuntime } from '../../../src/main/core/models/runtime/load-tfjs.ts';
import { loadTfRuntime } from '../../../src/main/core/models/runtime/load-tfjs.ts';
import type { Tensor, Tf } from '../../../src/main/core/models/runtime/tfjs-types.ts';
import { SeededRandom } from '../../../src/main/core/random/seeded-random.ts';

type Tensor4D = import('@tensorflow/tfjs').Tensor4D;

// Reference: TensorFlow.js' pure-JS CPU backend, whose kernels are the straightforward definitions. Our WASM
// gradient kernels (and WASM's own pooling, batch-norm and GRU gradients) must give the same gradients.
let rt: TfRuntime;
let tf: Tf;
const random = new SeededRandom(5);
const values = (n: number): Float32Array => Float32Array.from({ length: n }, () => random.normal());

beforeAll(async () => {
  rt = await loadTfRuntime('wasm');
  tf = rt.tf;
});

/** Runs `f` on a backend and returns its outputs as arrays. */
async function on(backend: 'wasm' | 'cpu', f: () => Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const out = tf.tidy(f);
  const data = await Promise.all(out.map((t) => t.data() as Promise<Float32Array>));
  tf.dispose(out);
  await tf.setBackend('wasm');
  return data;
}

function expectSame(wasm: Float32Array[], cpu: Float32Array[]): void {
  expect(wasm.length).toBe(cpu.length);
  cpu.forEach((ref, i) => {
    const scale = Math.max(1, ...Array.from(ref, Math.abs));
    let diff = 0;
    for (let j = 0; j < ref.length; j++) diff = Math.max(diff, Math.abs(ref[j] - wasm[i][j]));
    expect(diff / scale, `output ${i}: max abs diff ${diff} at scale ${scale}`).toBeLessThanOrEqual(1e-5);
    expect(ref.some((v) => v !== 0)).toBe(true);
  });
}

describe('tfjs WASM gradients equal the CPU backend', () => {
  it('registers the conv gradient kernels WASM lacks', () => {
    expect(rt.backend).toBe('wasm');
    expect(rt.registeredKernels).toEqual(expect.arrayContaining(['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'MaxPoolGrad', 'Sum']));
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });

  const convCases: { name: string; x: [number, number, number, number]; w: [number, number, number, number]; strides: [number, number]; pad: 'same' | 'valid' }[] = [
    { name: '3x3 same', x: [2, 9, 11, 3], w: [3, 3, 3, 4], strides: [1, 1], pad: 'same' },
    { name: '3x5 same (Dong layer 2 shape)', x: [2, 8, 16, 4], w: [3, 5, 4, 5], strides: [1, 1], pad: 'same' },
    { name: '3x3 valid', x: [3, 7, 10, 2], w: [3, 3, 2, 3], strides: [1, 1], pad: 'valid' },
    { name: '3x3 same stride 2', x: [2, 9, 11, 3], w: [3, 3, 3, 4], strides: [2, 2], pad: 'same' },
    { name: '4x3 valid stride 2x1 (cropped tail)', x: [2, 10, 9, 2], w: [4, 3, 2, 3], strides: [2, 1], pad: 'valid' },
    { name: '1x1', x: [2, 5, 6, 4], w: [1, 1, 4, 2], strides: [1, 1], pad: 'same' },
    // One input channel: the filter gradient as one matrix product over the input's patches.
    { name: 'one channel, 3x3 same (Dong layer 1 shape)', x: [3, 8, 16, 1], w: [3, 3, 1, 5], strides: [1, 1], pad: 'same' },
    { name: 'one channel, 4x3 valid stride 2x1', x: [2, 10, 9, 1], w: [4, 3, 1, 3], strides: [2, 1], pad: 'valid' },
    { name: 'one channel, 3x5 same stride 2x3', x: [2, 7, 11, 1], w: [3, 5, 1, 2], strides: [2, 3], pad: 'same' },
    { name: 'one channel, filter wider than the input', x: [2, 4, 3, 1], w: [3, 5, 1, 2], strides: [1, 1], pad: 'same' },
  ];
  for (const c of convCases) {
    it(`Conv2D filter and input gradients: ${c.name}`, async () => {
      const xv = values(c.x.reduce((a, b) => a * b));
      const wv = values(c.w.reduce((a, b) => a * b));
      const outShape = tf.tidy(() => tf.conv2d(tf.zeros(c.x) as Tensor4D, tf.zeros(c.w) as Tensor4D, c.strides, c.pad).shape);
      const rv = values(outShape.reduce((a, b) => a * b)); // a non-uniform upstream gradient
      const grads = (): Tensor[] => {
        const x = tf.tensor4d(xv, c.x);
        const w = tf.tensor4d(wv, c.w);
        const r = tf.tensor(rv, outShape);
        return tf.grads((...t: Tensor[]) => tf.sum(tf.mul(tf.conv2d(t[0] as Tensor4D, t[1] as Tensor4D, c.strides, c.pad), r)))([x, w]);
      };
      expectSame(await on('wasm', grads), await on('cpu', grads));
    });
  }

  it('max pooling on negative windows (wrong in tfjs-backend-wasm 4.22, replaced by ours)', async () => {
    // A window of all-negative values must still pass its gradient to its maximum.
    const x = Float32Array.from([-1.06, -1.55, 0.5, 0.2, -1.76, -0.72, 0.1, 0.3, 1, 2, -3, -4, 3, 4, -2, -1]);
    const grads = (): Tensor[] => [tf.grad((t: Tensor) => tf.sum(tf.maxPool(t as Tensor4D, [2, 2], [2, 2], 'valid')))(tf.tensor4d(x, [1, 4, 4, 1]))];
    const [cpu] = await on('cpu', grads);
    expect(Array.from(cpu)).toEqual([0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1]);
    expectSame(await on('wasm', grads), [cpu]);
  });

  it('max pooling: tiling windows with leftover rows and columns, overlapping windows, padded windows, ties', async () => {
    const xv = values(2 * 9 * 13 * 3);
    const grads = (): Tensor[] => {
      const x = tf.tensor4d(xv, [2, 9, 13, 3]);
      const relu = tf.relu(x); // about half zeros: windows whose maximum occurs more than once
      return tf.grads((a: Tensor, b: Tensor) => {
        const tiled = tf.maxPool(a as Tensor4D, [2, 4], [2, 4], 'valid'); // 8 of 9 rows, 12 of 13 columns
        const overlapping = tf.maxPool(a as Tensor4D, [3, 3], [1, 2], 'valid');
        const padded = tf.maxPool(a as Tensor4D, [3, 3], [2, 2], 'same');
        const ties = tf.maxPool(b as Tensor4D, [2, 2], [2, 2], 'valid');
        return tf.addN([tf.sum(tf.mul(tiled, tiled)), tf.sum(tf.mul(overlapping, 0.5)), tf.sum(tf.square(padded)), tf.sum(tf.mul(ties, 3))]);
      })([x, relu]);
    };
    expectSame(await on('wasm', grads), await on('cpu', grads));
  });

  it('sums over leading axes (bias gradients) and over other axes', async () => {
    const xv = values(2 * 5 * 6 * 4);
    const sums = (): Tensor[] => {
      const x = tf.tensor4d(xv, [2, 5, 6, 4]);
      return [
        tf.sum(x, [0, 1, 2]),
        tf.sum(x, [2, 0, 1], true),
        tf.sum(x, 0),
        tf.sum(x, [-4, -3]),
        tf.sum(x, [1, 2]),
        tf.sum(x, 3, true),
        tf.sum(x),
        tf.sum(tf.tensor2d(xv.slice(0, 12), [3, 4]), 0),
        tf.mean(x, [0, 1, 2]),
        tf.mean(x, [0, 1], true),
        tf.mean(x, [1, 3]),
      ];
    };
    const wasm = await on('wasm', sums);
    expect(wasm.map((a) => a.length)).toEqual([4, 4, 120, 24, 8, 60, 1, 4, 4, 24, 12]);
    expectSame(wasm, await on('cpu', sums));
  });

  it('tiles (batch normalisation tiles its per-channel statistics to the whole activation)', async () => {
    const xv = values(2 * 3 * 4);
    const tiles = (): Tensor[] => {
      const x = tf.tensor3d(xv, [2, 3, 4]);
      const channel = tf.tensor4d(xv.slice(0, 5), [1, 1, 1, 5]);
      return [
        tf.tile(channel, [2, 3, 4, 1]),
        tf.tile(x, [1, 1, 1]),
        tf.tile(x, [3, 1, 2]),
        tf.tile(x, [1, 4, 1]),
        tf.tile(tf.tensor1d(xv.slice(0, 3)), [5]),
        tf.tile(tf.tensor2d(xv.slice(0, 6), [2, 3]), [2, 3]),
        tf.cast(tf.tile(tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), [2, 1]), 'float32'),
      ];
    };
    const wasm = await on('wasm', tiles);
    expect(wasm.map((a) => a.length)).toEqual([120, 24, 144, 96, 15, 36, 8]);
    expectSame(wasm, await on('cpu', tiles));
  });

  it('max and average pooling, batch normalisation', async () => {
    const xv = values(2 * 8 * 12 * 3);
    const stats = [values(3), values(3).map((v) => 1 + v * v), values(3), values(3)];
    const grads = (): Tensor[] => {
      const x = tf.tensor4d(xv, [2, 8, 12, 3]);
      const [mean, variance, offset, scale] = stats.map((s) => tf.tensor1d(s));
      const f = (a: Tensor, m: Tensor, v: Tensor, o: Tensor, s: Tensor): Tensor => {
        const bn = tf.batchNorm(a as never, m as never, v as never, o as never, s as never, 1e-3);
        const mp = tf.maxPool(bn as never, [2, 4], [2, 4], 'valid');
        const ap = tf.avgPool(bn as never, [2, 2], [2, 2], 'valid');
        return tf.add(tf.sum(tf.square(mp)), tf.sum(tf.mul(ap, ap)));
      };
      return tf.grads(f)([x, mean, variance, offset, scale]);
    };
    expectSame(await on('wasm', grads), await on('cpu', grads));
  });

  it('a conv -> batch norm -> pool -> GRU -> dense model, in training mode', async () => {
    const build = (): import('@tensorflow/tfjs').LayersModel => {
      const input = tf.input({ shape: [8, 12, 1] });
      let x = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(input);
      x = tf.layers.batchNormalization().apply(x);
      x = tf.layers.maxPooling2d({ poolSize: [2, 2] }).apply(x);
      x = tf.layers.averagePooling2d({ poolSize: [2, 2] }).apply(x); // [2, 3, 4]
      x = tf.layers.permute({ dims: [2, 1, 3] }).apply(x);
      x = tf.layers.reshape({ targetShape: [3, 8] }).apply(x);
      x = tf.layers.gru({ units: 5, returnSequences: true, recurrentActivation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }), recurrentInitializer: tf.initializers.glorotUniform({ seed: 3 }) }).apply(x);
      x = tf.layers.gru({ units: 5, recurrentActivation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }), recurrentInitializer: tf.initializers.glorotUniform({ seed: 5 }) }).apply(x);
      const out = tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 6 }) }).apply(x);
      return tf.model({ inputs: input, outputs: out as import('@tensorflow/tfjs').SymbolicTensor });
    };
    await tf.setBackend('wasm');
    const reference = build();
    const weights = reference.getWeights().map((w) => ({ data: w.dataSync().slice(), shape: w.shape }));
    reference.dispose();
    const xv = values(4 * 8 * 12);
    const labels = [0, 1, 2, 1];
    const grads = (): Tensor[] => {
      const model = build();
      model.setWeights(weights.map((w) => tf.tensor(w.data, w.shape)));
      const x = tf.tensor4d(xv, [4, 8, 12, 1]);
      const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 3);
      const { grads: g } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, tf.log(model.apply(x, { training: true }) as Tensor)) as never);
      const names = Object.keys(g).sort();
      const out = names.map((n) => g[n]);
      model.dispose();
      return out;
    };
    const wasm = await on('wasm', grads);
    const cpu = await on('cpu', grads);
    expect(wasm.length).toBeGreaterThanOrEqual(12);
    expectSame(wasm, cpu);
  });
});
