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

/**
 * A one-node ONNX model (y = Identity(x), one float): ir_version 8, opset 17, written with models/onnx/onnx-graph.ts.
 */
const IDENTITY_MODEL = 'CAgSAXc6RAodCgF4EgF5GgtpZC9JZGVudGl0eSIISWRlbnRpdHkSAXdaDwoBeBIKCggIARIECgIIAWIPCgF5EgoKCAgBEgQKAggBQgIQEQ==';

/**
 * Loads onnxruntime and sets up what its first session in a process pays for once, by opening and releasing a
 * session of a one-node model. The first session took 78-81 ms to open the shipped int8 CNN here, one opened after
 * this warm-up 31 ms (the warm-up itself 48-52 ms): a thread that is waiting anyway (a classification worker started
 * before its job knows its models) does this part of the work before it is asked for the models.
 */
export async function warmOnnxRuntime(): Promise<void> {
  const runtime = await loadOnnxRuntime();
  const session = await runtime.InferenceSession.create(new Uint8Array(Buffer.from(IDENTITY_MODEL, 'base64')), { intraOpNumThreads: 1, interOpNumThreads: 1 });
  await session.release();
}

/**
 * The session options for `options` on a machine with `cores` cores.
 *
 * The intra-op threads of a session with more than one sleep between runs instead of spinning. A classification
 * worker runs the models batch by batch between stretches of analysis, and onnxruntime's threads spun through every
 * stretch, taking a core from the analysis and from ffmpeg: one worker with 2 threads on 2 cores (a job of one
 * track, or `--workers 1`) took 2.25 s and 3.79 s of CPU for a 4-minute track, 1.80 s and 2.59 s without spinning
 * (5 alternated runs each); 3.60 s against 2.65 s for two tracks, as fast as one thread (2.68 s).
 */
function onnxSessionOptions(options: OnnxSessionOptions, cores: number): InferenceSession.SessionOptions {
  const threads = options.threads ?? Math.min(4, cores);
  // onnxruntime's session config entries, nested by the dots of their names ("session.intra_op.allow_spinning")
  const config: Record<string, unknown> = {};
  if (threads > 1) config.session = { intra_op: { allow_spinning: '0' } };
  if (options.disabledOptimizers?.length) config.optimization = { disable_specified_optimizers: options.disabledOptimizers.join(',') };
  return {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    // No memory pattern: with one, a session's second run plans one block for all its activations and touches it
    // afresh, where the first run's memory is free in the arena: 4,400 page faults (57 ms of CPU here) for the CNN
    // at a batch of 2 and 1,070 for the MLFI, in every worker. Later runs are as fast without (6.2-6.4 ms a batch).
    enableMemPattern: false,
    executionProviders: (options.executionProviders ?? ['cpu']) as InferenceSession.SessionOptions['executionProviders'],
    ...(Object.keys(config).length ? { extra: config } : {}),
  };
}

export async function openOnnxModel(model: string | Uint8Array, options: OnnxSessionOptions = {}): Promise<OnnxModel> {
  const runtime = await loadOnnxRuntime();
  const { availableParallelism } = await import('node:os');
  const sessionOptions = onnxSessionOptions(options, availableParallelism());
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
