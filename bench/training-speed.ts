// Training speed on the TensorFlow.js backend this machine has (npm run bench:training): Adam steps of batch 32
// on random inputs, samples per second, for the CNN and the MLFI variants. Also the same CNN step with WASM's
// own (scalar) Conv2DBackpropInput instead of ours, as a ratio. Each configuration runs in its own process because
// tfjs keeps one kernel registry per process.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as wasm from '@tensorflow/tfjs-backend-wasm';
import { wasmFilePaths } from '../src/main/core/models/runtime/wasm-files.ts';
import { registerWasmGradientKernels } from '../src/main/core/models/runtime/wasm-gradient-kernels.ts';
import { loadTfRuntime } from '../src/main/core/models/runtime/load-tfjs.ts';
import type { Tf } from '../src/main/core/models/runtime/tfjs-types.ts';
import { benchModels, randomBatch, rate } from './bench-models.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const batch = 32;

async function measure(modelName: string, variant: string): Promise<{ samplesPerSecond: number; backend: string }> {
  let tf: Tf;
  let backend: string;
  if (variant === 'native-backprop-input') {
    tf = (await import('@tensorflow/tfjs')) as Tf;
    wasm.setWasmPaths(wasmFilePaths());
    await tf.setBackend('wasm');
    registerWasmGradientKernels(tf, { replaceBackpropInput: false });
    backend = 'wasm';
  } else {
    ({ tf, backend } = await loadTfRuntime());
  }
  const spec = benchModels.find((m) => m.name === modelName)!;
  const model = spec.build(tf);
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  const inputs = randomBatch(spec.inputs, batch);
  const xs = model.inputNames.map((n) => tf.tensor(inputs[n].data, inputs[n].shape));
  const ys = tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 10), 'int32'), 10);
  const steps = await rate(async () => void (await model.trainOnBatch(xs.length === 1 ? xs[0] : xs, ys)), seconds);
  return { samplesPerSecond: steps * batch, backend };
}

const [, , modelArg, variantArg] = process.argv;
if (modelArg) {
  process.stdout.write(`${JSON.stringify(await measure(modelArg, variantArg ?? 'ours'))}\n`);
} else {
  const self = fileURLToPath(import.meta.url);
  const run = (model: string, variant: string) =>
    JSON.parse(execFileSync(process.execPath, [self, model, variant], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim().split('\n').pop()!) as {
      samplesPerSecond: number;
      backend: string;
    };
  const lines: string[] = [];
  let cnnOurs = 0;
  for (const spec of benchModels) {
    const r = run(spec.name, 'ours');
    if (spec.name === 'Dong CNN') cnnOurs = r.samplesPerSecond;
    lines.push(`${spec.name.padEnd(16)} ${r.samplesPerSecond.toFixed(1).padStart(6)} samples/s  (tfjs ${r.backend}, batch ${batch})`);
    process.stderr.write(`${lines[lines.length - 1]}\n`);
  }
  const native = run('Dong CNN', 'native-backprop-input');
  lines.push(
    `Dong CNN with WASM's own Conv2DBackpropInput: ${native.samplesPerSecond.toFixed(1)} samples/s; ours is ${(cnnOurs / native.samplesPerSecond).toFixed(2)}x faster`,
  );
  process.stdout.write(`Training speed (Adam, ${seconds} s per measurement)\n${lines.join('\n')}\n`);
}
