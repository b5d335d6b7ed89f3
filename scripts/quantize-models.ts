// npm run quantize:models [-- --write] — int8 versions of the shipped segment models' (CNN, MLFI) expensive
// convolutions, measured.
// 1. Analyses the GTZAN clips of ../shared (101 clips, 10 genres) with the app's engine; per segment model:
// 2. Calibrates on the segments of 4 clips per genre (the largest value each quantised convolution reads and
//    writes), quantises (models/onnx/quantize-convs.ts), and compares the int8 model with the float one on every
//    segment of every clip: the largest probability difference, the share of segments and of tracks whose top
//    genre agrees, and the accuracy of both over the clips (track = mean over its audible segments, as the app).
// 3. With --write: stores model.int8.onnx beside model.onnx and names it in the manifest (files.onnxInt8) with
//    these figures (quantization), so that classification on the CPU uses it.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { activeModels } from '../src/main/core/classify/active-models.ts';
import { copySegmentInput, modelInputSources } from '../src/main/core/models/inference/model-input-sources.ts';
import { analyzeTrack, gtzanFeatureIndex } from '../src/main/core/features/index.ts';
import type { SegmentAnalysis } from '../src/main/core/features/index.ts';
import { aggregateAudible } from '../src/main/core/models/aggregation/audible-rows.ts';
import { itemNormalizer } from '../src/main/core/models/normalize-input.ts';
import { calibrateConvs, quantizableConvs, quantizeConvs } from '../src/main/core/models/onnx/quantize-convs.ts';
import { openOnnxModel } from '../src/main/core/models/runtime/onnx-session.ts';
import type { OnnxModel } from '../src/main/core/models/runtime/onnx-session.ts';
import { ModelStore } from '../src/main/core/models/store/model-store.ts';
import type { TensorData } from '../src/main/core/models/tensor-data.ts';
import { projectRoot } from '../src/main/project-root.ts';

const write = process.argv.includes('--write');
const audioDir = join(projectRoot, '..', 'shared', 'datasets', 'gtzan', 'audio');

interface Clip {
  genre: string;
  segments: SegmentAnalysis[];
  rms: number[];
}
const clips: Clip[] = [];
const t0 = performance.now();
for (const genre of readdirSync(audioDir).sort()) {
  for (const file of readdirSync(join(audioDir, genre)).sort()) {
    const segments: SegmentAnalysis[] = [];
    await analyzeTrack(join(audioDir, genre, file), {
      keepSegments: false,
      segments: { features: true, cnn: true, mlfi: true },
      onSegment: (s) => segments.push({ ...s, features: Float32Array.from(s.features), cnnInput: Float32Array.from(s.cnnInput), mlfiInput: Float32Array.from(s.mlfiInput) }),
    });
    clips.push({ genre, segments, rms: segments.map((s) => s.features[gtzanFeatureIndex.rms_mean]) });
  }
}
process.stderr.write(`${clips.length} clips analysed in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);

// One thread, and no QDQ propagation, as the app opens int8 models (segment-classifier.ts).
const open = (model: Uint8Array): Promise<OnnxModel> => openOnnxModel(model, { threads: 1, disabledOptimizers: ['QDQPropagationTransformer'] });

const store = new ModelStore({ userDir: join(projectRoot, 'bench', '.tmp', 'no-user-models'), shippedDir: join(projectRoot, 'models') });
for (const model of activeModels(store).filter((m) => (m.kind === 'cnn' || m.kind === 'mlfi') && m.manifest.files.onnx)) {
  const { manifest, dir } = model;
  const sources = modelInputSources(manifest);
  const normalizers = sources.map((s) => (manifest.normalization?.[s.name] ? itemNormalizer(manifest.normalization[s.name], s.shape) : undefined));
  /** One clip's segments as the model's normalised inputs, as the app batches them (segment-model-run.ts). */
  const inputsOf = (c: Clip): Record<string, TensorData> =>
    Object.fromEntries(
      sources.map((source, i) => {
        const data = new Float32Array(c.segments.length * source.size);
        c.segments.forEach((s, j) => copySegmentInput(s, source, data, j * source.size, normalizers[i]));
        return [source.name, { data, shape: [c.segments.length, ...source.shape] }];
      }),
    );
  const float = readFileSync(join(dir, manifest.files.onnx!));
  const calibration = clips.filter((_, i) => i % 10 < 4).map(inputsOf);
  const convs = quantizableConvs(float);
  if (convs.length === 0) {
    process.stderr.write(`${manifest.kind}/${manifest.version}: no convolution to quantise\n`);
    continue;
  }
  const ranges = await calibrateConvs(float, convs, calibration, open);
  const int8 = quantizeConvs(float, ranges);
  process.stderr.write(
    `${manifest.kind}/${manifest.version}: quantised ${ranges.map((r) => `${r.conv} (input up to ${r.inputMax.toFixed(2)}, output up to ${r.outputMax.toFixed(2)})`).join(', ')}\n`,
  );
  const k = manifest.labels.length;
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
  const [floatModel, int8Model] = await Promise.all([open(float), open(int8)]);
  for (const c of clips) {
    const inputs = inputsOf(c);
    const pf = (await floatModel.run(inputs)).data;
    const pq = (await int8Model.run(inputs)).data;
    const n = c.segments.length;
    for (let i = 0; i < n; i++) {
      if (argmax(pf, i * k) === argmax(pq, i * k)) segmentAgree++;
      for (let j = 0; j < k; j++) worst = Math.max(worst, Math.abs(pf[i * k + j] - pq[i * k + j]));
    }
    segments += n;
    const tf = argmax(aggregateAudible(pf, n, k, manifest.aggregation, c.rms), 0);
    const tq = argmax(aggregateAudible(pq, n, k, manifest.aggregation, c.rms), 0);
    if (tf === tq) trackAgree++;
    if (manifest.labels[tf] === c.genre) rightFloat++;
    if (manifest.labels[tq] === c.genre) rightInt8++;
  }
  await Promise.all([floatModel.close(), int8Model.close()]);
  const figures = {
    method: 'int8 QDQ (per-channel int8 weights, uint8 activations) of the convolutions before a ReLU (batch normalisation folded in); calibrated on 4 GTZAN clips per genre of ../shared',
    convolutions: ranges.map((r) => r.conv),
    clips: clips.length,
    segments,
    segmentTopGenreAgreement: segmentAgree / segments,
    trackTopGenreAgreement: trackAgree / clips.length,
    largestProbabilityDifference: worst,
    accuracyFloat: rightFloat / clips.length,
    accuracyInt8: rightInt8 / clips.length,
  };
  process.stdout.write(`${manifest.kind}/${manifest.version}: ${JSON.stringify(figures, null, 2)}\n`);
  if (write) {
    const manifestPath = join(dir, 'manifest.json');
    const stored = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown> & { files: Record<string, string> };
    writeFileSync(join(dir, 'model.int8.onnx'), int8);
    stored.files.onnxInt8 = 'model.int8.onnx';
    stored.quantization = figures;
    writeFileSync(manifestPath, `${JSON.stringify(stored, null, 2)}\n`);
    process.stderr.write(`Wrote ${join(dir, 'model.int8.onnx')} and its manifest entry\n`);
  }
}
