import { join } from 'node:path';
import { normalizeInput } from './normalize-input.ts';
import type { OnnxSessionOptions } from './runtime/onnx-session.ts';
import { openOnnxModel } from './runtime/onnx-session.ts';
import { loadTfRuntime } from './runtime/load-tfjs.ts';
import type { Tensor } from './runtime/tfjs-types.ts';
import type { ModelManifest } from './store/model-manifest.ts';
import type { ModelVersion } from './store/model-store.ts';
import { loadLayersModel } from './store/tfjs-model-files.ts';
import type { TensorData } from './tensor-data.ts';
import { checkShape } from './tensor-data.ts';

/**
 * Inputs of a segment model, by the names in its manifest: CNN `{ melspec: [n, 64, 256, 1] }`,
 * MLFI `{ melspec: [n, 128, 130, 1], features: [n, 55] }`; raw values (the manifest's normalisation is applied here),
 * unless predict is told they are normalised already.
 */
export type SegmentInputs = Record<string, TensorData>;

export interface PredictOptions {
  /** The inputs hold values normalised with the manifest's statistics already (by the caller, while batching). */
  normalized?: boolean;
}

export interface SegmentClassifier {
  manifest: ModelManifest;
  runtime: 'onnx' | 'tfjs';
  /**
   * Its inputs go to another thread (RemoteSegmentModels): batches are made in SharedArrayBuffers, which that
   * thread reads where they are.
   */
  sharedInputs?: boolean;
  /** Probabilities [n, labels] row-major for n segments. */
  predict(inputs: SegmentInputs, options?: PredictOptions): Promise<Float32Array>;
  close(): Promise<void>;
}

function prepare(manifest: ModelManifest, inputs: SegmentInputs, options: PredictOptions = {}): Record<string, TensorData> {
  const out: Record<string, TensorData> = {};
  let n: number | null = null;
  for (const spec of manifest.inputs) {
    const t = inputs[spec.name];
    if (!t) throw new Error(`The ${manifest.kind} model needs the input ${spec.name}`);
    const batch = checkShape(spec.name, t, spec.shape);
    if (n !== null && batch !== n) throw new Error(`Inputs disagree on the number of segments (${n} vs ${batch})`);
    n = batch;
    const stats = options.normalized ? null : manifest.normalization?.[spec.name];
    out[spec.name] = stats ? normalizeInput(t, stats) : t;
  }
  return out;
}

/**
 * The ONNX file to run: the int8 one (files.onnxInt8, quantize-convs.ts) on the CPU where the version has one, the
 * float one elsewhere (a GPU computes in float anyway) and when GENRE_TAGGER_INT8=0 asks for float.
 */
function onnxFile(manifest: ModelManifest, onnx: OnnxSessionOptions | undefined): string {
  const cpuOnly = (onnx?.executionProviders ?? ['cpu']).every((p) => p === 'cpu');
  if (manifest.files.onnxInt8 && cpuOnly && process.env.GENRE_TAGGER_INT8 !== '0') return manifest.files.onnxInt8;
  return manifest.files.onnx!;
}

/**
 * onnxruntime would move each QuantizeLinear of an int8 model ahead of the MaxPool before it, which makes the
 * pooling run on uint8 in a slow layout after a reorder of the first convolution's whole output: the CNN ran at
 * 333 segments/s that way against 899 without the move (float: 624), with identical outputs.
 */
function int8SessionOptions(manifest: ModelManifest, onnx: OnnxSessionOptions | undefined): OnnxSessionOptions {
  return onnxFile(manifest, onnx) === manifest.files.onnxInt8 ? { disabledOptimizers: ['QDQPropagationTransformer'] } : {};
}

/**
 * Opens a CNN or MLFI version for inference: onnxruntime on its `onnx` file (the default and the fast path), or
 * TensorFlow.js on its `tfjs` files (the training runtime; used to check the two agree).
 */
export async function openSegmentClassifier(
  version: ModelVersion,
  options: { runtime?: 'onnx' | 'tfjs'; onnx?: OnnxSessionOptions } = {},
): Promise<SegmentClassifier> {
  const { manifest, dir } = version;
  const runtime = options.runtime ?? 'onnx';
  if (runtime === 'onnx') {
    if (!manifest.files.onnx) throw new Error(`${manifest.kind}/${manifest.version} has no ONNX file`);
    const model = await openOnnxModel(join(dir, onnxFile(manifest, options.onnx)), { ...options.onnx, ...int8SessionOptions(manifest, options.onnx) });
    return {
      manifest,
      runtime,
      async predict(inputs, predictOptions) {
        const out = await model.run(prepare(manifest, inputs, predictOptions));
        return out.data;
      },
      close: () => model.close(),
    };
  }
  if (!manifest.files.tfjs) throw new Error(`${manifest.kind}/${manifest.version} has no TensorFlow.js files`);
  const { tf } = await loadTfRuntime();
  const model = await loadLayersModel(tf, join(dir, manifest.files.tfjs));
  return {
    manifest,
    runtime,
    async predict(inputs, predictOptions) {
      const prepared = prepare(manifest, inputs, predictOptions);
      const xs = manifest.inputs.map((spec) => tf.tensor(prepared[spec.name].data, prepared[spec.name].shape));
      const y = model.predict(xs.length === 1 ? xs[0] : xs) as Tensor;
      const data = (await y.data()) as Float32Array;
      tf.dispose([...xs, y]);
      return data;
    },
    async close() {
      model.dispose();
    },
  };
}
