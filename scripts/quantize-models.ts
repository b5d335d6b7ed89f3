// npm run quantize:models [-- --write] — int8 versions of the shipped CNN's expensive convolution, measured.
// 1. Analyses the GTZAN clips of ../shared (101 clips, 10 genres) with the app's engine.
// 2. Calibrates on the segments of 4 clips per genre (the largest value each quantised convolution reads and
//    writes), quantises (models/onnx/quantize-convs.ts), and compares the int8 model with the float one on every
//    segment of every clip: the largest probability difference, the share of segments and of tracks whose top
//    genre agrees, and the accuracy of both over the clips (track = mean over its audible segments, as the app).
// 3. With --write: stores model.int8.onnx beside model.onnx and names it in the manifest (files.onnxInt8) with
//    these figures (quantization), so that classification on the CPU uses it.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeTrack, gtzanFeatureIndex } from '../src/main/core/features/index.ts';
import { aggregateAudible } from '../src/main/core/models/aggregation/audible-rows.ts';
import { normalizeInput } from '../src/main/core/models/normalize-input.ts';
import { calibrateConvs, quantizableConvs, quantizeConvs } from '../src/main/core/models/onnx/quantize-convs.ts';
import { loadOnnxRuntime } from '../src/main/core/models/runtime/onnx-session.ts';
import type { ModelManifest } from '../src/main/core/models/store/model-manifest.ts';
import type { TensorData } from '../src/main/core/models/tensor-data.ts';
import { projectRoot } from '../src/main/project-root.ts';

const write = process.argv.includes('--write');
const versionDir = join(projectRoot, 'models', 'cnn', 'gtzan-cnn');
const manifestPath = join(versionDir, 'manifest.json');
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as ModelManifest & { quantization?: unknown };
const audioDir = join(projectRoot, '..', 'shared', 'datasets', 'gtzan', 'audio');
const labels = manifest.labels;
const spec = manifest.inputs[0];
const shape = spec.shape.slice(1);
const size = shape.reduce((a, b) => a * b, 1);

interface Clip {
  path: string;
  label: number;
  batch: TensorData;
  rms: number[];
}
const clips: Clip[] = [];
const t0 = performance.now();
for (const genre of readdirSync(audioDir).sort()) {
  for (const file of readdirSync(join(audioDir, genre)).sort()) {
    const path = join(audioDir, genre, file);
    const parts: Float32Array[] = [];
    const rms: number[] = [];
    await analyzeTrack(path, {
      keepSegments: false,
      segments: { features: true, cnn: true, mlfi: false },
      onSegment: (s) => {
        parts.push(Float32Array.from(s.cnnInput));
        rms.push(s.features[gtzanFeatureIndex.rms_mean]);
      },
    });
    const data = new Float32Array(parts.length * size);
    parts.forEach((p, i) => data.set(p, i * size));
    const raw = { data, shape: [parts.length, ...shape] };
    const stats = manifest.normalization?.[spec.name];
    clips.push({ path, label: labels.indexOf(genre), batch: stats ? normalizeInput(raw, stats) : raw, rms });
  }
}
process.stderr.write(`${clips.length} clips analysed in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);

const ort = await loadOnnxRuntime();
const float = readFileSync(join(versionDir, manifest.files.onnx!));
const run = async (model: Uint8Array, inputs: Record<string, TensorData>, outputs: string[]): Promise<Record<string, Float32Array>> => {
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1, graphOptimizationLevel: 'all' });
  try {
    const feeds = Object.fromEntries(Object.entries(inputs).map(([k, t]) => [k, new ort.Tensor('float32', t.data, t.shape)]));
    const r = await session.run(feeds, outputs);
    return Object.fromEntries(outputs.map((o) => [o, Float32Array.from(r[o].data as Float32Array)]));
  } finally {
    await session.release();
  }
};

const calibration = clips.filter((_, i) => i % 10 < 4 || clips.length < 40).map((c) => ({ [spec.name]: c.batch }));
const convs = quantizableConvs(float);
const ranges = await calibrateConvs(float, convs, calibration, run);
const int8 = quantizeConvs(float, ranges);
process.stderr.write(`Quantised ${ranges.map((r) => `${r.conv} (input up to ${r.inputMax.toFixed(2)}, output up to ${r.outputMax.toFixed(2)})`).join(', ')}\n`);

const k = labels.length;
const argmax = (p: ArrayLike<number>, o: number): number => {
  let b = 0;
  for (let j = 1; j < k; j++) if (p[o + j] > p[o + b]) b = j;
  return b;
};
let segments = 0;
let segmentAgree = 0;
let trackAgree = 0;
let rightFloat = 0;
let rightInt8 = 0;
let worst = 0;
const out = 'probabilities';
for (const c of clips) {
  const pf = (await run(float, { [spec.name]: c.batch }, [out]))[out];
  const pq = (await run(int8, { [spec.name]: c.batch }, [out]))[out];
  const n = c.batch.shape[0];
  for (let i = 0; i < n; i++) {
    if (argmax(pf, i * k) === argmax(pq, i * k)) segmentAgree++;
    for (let j = 0; j < k; j++) worst = Math.max(worst, Math.abs(pf[i * k + j] - pq[i * k + j]));
  }
  segments += n;
  const tf = argmax(aggregateAudible(pf, n, k, manifest.aggregation, c.rms), 0);
  const tq = argmax(aggregateAudible(pq, n, k, manifest.aggregation, c.rms), 0);
  if (tf === tq) trackAgree++;
  if (tf === c.label) rightFloat++;
  if (tq === c.label) rightInt8++;
}
const figures = {
  method: 'int8 QDQ (per-channel int8 weights, uint8 activations) of the convolutions after a ReLU; calibrated on the GTZAN clips of ../shared, 4 per genre',
  convolutions: ranges.map((r) => r.conv),
  clips: clips.length,
  segments,
  segmentTopGenreAgreement: segmentAgree / segments,
  trackTopGenreAgreement: trackAgree / clips.length,
  largestProbabilityDifference: worst,
  accuracyFloat: rightFloat / clips.length,
  accuracyInt8: rightInt8 / clips.length,
};
process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
if (write) {
  writeFileSync(join(versionDir, 'model.int8.onnx'), int8);
  manifest.files.onnxInt8 = 'model.int8.onnx';
  manifest.quantization = figures;
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  process.stderr.write(`Wrote ${join(versionDir, 'model.int8.onnx')} and its manifest entry\n`);
}
