import { createRequire } from 'node:module';
import type { InferenceSession } from 'onnxruntime-node';
import type { TensorData } from '../tensor-data.ts';
import { assertOnnxTelemetryDisabled } from './onnx-telemetry.ts';

export interface OnnxSessionOptions {
  /** Intra-op threads; default: all cores, at most 4 (inference runs beside decoding workers). */
  threads?: number;
  /** Execution providers in order of preference, e.g. ['cuda', 'cpu']; default ['cpu']. */
  executionProviders?: string[];
  /** onnxruntime graph optimisers not to run (by name), e.g. for int8 models (quantize-convs.ts). */
  disabledOptimizers?: string[];
}

/** An ONNX model ready to run: float inputs by name, the first (or named) output back as a TensorData. */
export interface OnnxModel {
  inputNames: readonly string[];
  outputNames: readonly string[];
  run(inputs: Record<string, TensorData>, output?: string): Promise<TensorData>;
  /** Several outputs of one run, by name. */
  runOutputs(inputs: Record<string, TensorData>, outputs: readonly string[]): Promise<Record<string, TensorData>>;
  close(): Promise<void>;
}

let ort: typeof import('onnxruntime-node') | null = null;

/**
 * onnxruntime-node, loaded on first use (its native binding costs ~100 ms to load), with its telemetry off. It is
 * CommonJS, so it is required, not imported: `import()` has Node scan the source of it and of onnxruntime-common
 * (65 KB) for their exports, long enough for V8 to optimise the scanner: loading it took 101 ms of CPU imported
 * against 54 ms required, in every thread that opens a model (each classification worker).
 */
export async function loadOnnxRuntime(): Promise<typeof import('onnxruntime-node')> {
  assertOnnxTelemetryDisabled();
  ort ??= createRequire(import.meta.url)('onnxruntime-node') as typeof import('onnxruntime-node');
  return ort;
}

export async function openOnnxModel(model: string | Uint8Array, options: OnnxSessionOptions = {}): Promise<OnnxModel> {
  const runtime = await loadOnnxRuntime();
  const { availableParallelism } = await import('node:os');
  const sessionOptions: InferenceSession.SessionOptions = {
    intraOpNumThreads: options.threads ?? Math.min(4, availableParallelism()),
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    // No memory pattern: with one, a session's second run plans one block for all its activations and touches it
    // afresh, where the first run's memory is free in the arena: 4,400 page faults (57 ms of CPU here) for the CNN
    // at a batch of 2 and 1,070 for the MLFI, in every worker. Later runs are as fast without (6.2-6.4 ms a batch).
    enableMemPattern: false,
    executionProviders: (options.executionProviders ?? ['cpu']) as InferenceSession.SessionOptions['executionProviders'],
    ...(options.disabledOptimizers?.length ? { extra: { optimization: { disable_specified_optimizers: options.disabledOptimizers.join(',') } } } : {}),
  };
  const session =
    typeof model === 'string'
      ? await runtime.InferenceSession.create(model, sessionOptions)
      : await runtime.InferenceSession.create(model, sessionOptions);
  async function runOutputs(inputs: Record<string, TensorData>, outputs: readonly string[]): Promise<Record<string, TensorData>> {
    const feeds: Record<string, InstanceType<typeof runtime.Tensor>> = {};
    for (const [name, t] of Object.entries(inputs)) feeds[name] = new runtime.Tensor('float32', t.data, t.shape);
    const result = await session.run(feeds, [...outputs]);
    const out: Record<string, TensorData> = {};
    for (const name of outputs) {
      const t = result[name];
      out[name] = { data: t.data as Float32Array, shape: t.dims.map(Number) };
      t.dispose();
    }
    return out;
  }
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(inputs, output = session.outputNames[0]) {
      return (await runOutputs(inputs, [output]))[output];
    },
    runOutputs,
    close: () => session.release(),
  };
}
