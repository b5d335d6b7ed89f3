// Inference speed per model and runtime (npm run bench:inference): segments per second for the CNN and MLFI
// on TensorFlow.js WASM (the training runtime) and onnxruntime-node (the inference runtime, 1 and 2 threads),
// and 30 s windows per second for the SVM. Timings on a shared machine are noisy: compare ratios within one run.
import { join } from 'node:path';
import { exportToOnnx } from '../src/main/core/models/onnx/export-onnx.ts';
import { loadTfRuntime } from '../src/main/core/models/runtime/load-tfjs.ts';
import { openOnnxModel } from '../src/main/core/models/runtime/onnx-session.ts';
import type { Tensor } from '../src/main/core/models/runtime/tfjs-types.ts';
import { loadSvmModel } from '../src/main/core/models/store/load-svm-model.ts';
import { ModelStore } from '../src/main/core/models/store/model-store.ts';
import { predictSvmPipeline } from '../src/main/core/models/svm/svm-pipeline.ts';
import { projectRoot } from '../src/main/project-root.ts';
import { benchModels, randomBatch, rate } from './bench-models.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 4);
const batch = 32;
const { tf, backend } = await loadTfRuntime('wasm');
const rows: string[][] = [];
for (const spec of benchModels) {
  const model = spec.build(tf);
  const inputs = randomBatch(spec.inputs, batch);
  const xs = model.inputNames.map((n) => tf.tensor(inputs[n].data, inputs[n].shape));
  const tfjs = batch * (await rate(async () => {
    const y = model.predict(xs.length === 1 ? xs[0] : xs) as Tensor;
    await y.data();
    y.dispose();
  }, seconds));
  tf.dispose(xs);
  const bytes = exportToOnnx(model);
  const ort: number[] = [];
  for (const threads of [1, 2]) {
    const session = await openOnnxModel(bytes, { threads });
    ort.push(batch * (await rate(async () => void (await session.run(inputs)), seconds)));
    await session.close();
  }
  model.dispose();
  rows.push([spec.name, tfjs.toFixed(0), ort[0].toFixed(0), ort[1].toFixed(0), (Math.max(...ort) / tfjs).toFixed(1)]);
  process.stderr.write(`${spec.name} done\n`);
}

const store = new ModelStore({ userDir: join(projectRoot, '.tmp', 'bench-store'), shippedDir: join(projectRoot, 'models') });
const svmVersion = store.active('svm');
let svmLine = 'SVM: no shipped model (npm run train:defaults)';
if (svmVersion) {
  const svm = loadSvmModel(svmVersion);
  const windows = randomBatch([['features', [57]]], 256).features.data;
  const perSecond = 256 * (await rate(async () => void predictSvmPipeline(svm, windows, 256), seconds));
  svmLine = `SVM (${svmVersion.manifest.version}, ${svm.svm.supportVectors.length / svm.svm.dim} support vectors): ${perSecond.toFixed(0)} windows/s (TypeScript)`;
}

const header = ['model', `tfjs ${backend}`, 'onnxruntime 1 thread', 'onnxruntime 2 threads', 'best ort / tfjs'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
process.stdout.write(`Inference, segments/s (batch ${batch}, ${seconds} s per measurement)\n${line(header)}\n${rows.map(line).join('\n')}\n${svmLine}\n`);
