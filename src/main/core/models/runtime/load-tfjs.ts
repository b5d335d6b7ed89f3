import type { Tf } from './tfjs-types.ts';
import { registerWasmGradientKernels } from './wasm-gradient-kernels.ts';
import { wasmFilePaths } from './wasm-files.ts';

/** Which TensorFlow.js backend to train and run on. `auto` takes the fastest one present. */
export type TfBackendChoice = 'auto' | 'tfjs-node-gpu' | 'tfjs-node' | 'wasm' | 'cpu';
export const tfBackendChoices: readonly TfBackendChoice[] = ['auto', 'tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'];

export interface TfRuntime {
  tf: Tf;
  /** The tfjs backend name now active: 'tensorflow' (native TF, CPU or GPU), 'wasm' or 'cpu'. */
  backend: string;
  /** The package that provided it. */
  source: '@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs-node' | '@tensorflow/tfjs';
  /** Kernels we registered ourselves (WASM gradients). */
  registeredKernels: string[];
  /** Why faster choices were skipped, for logs and `--verbose` output. */
  skipped: string[];
}

/** Native TensorFlow bindings: optional, never a dependency. Loaded by name so bundlers leave them alone. */
async function importOptional(name: string): Promise<Tf | string> {
  try {
    const mod = (await import(/* @vite-ignore */ name)) as Tf & { default?: Tf };
    return (mod.default && 'tensor' in mod.default ? mod.default : mod) as Tf;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return `${name} is not installed`;
    return `${name} failed to load: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
  }
}

async function useTfjs(choice: 'wasm' | 'cpu', skipped: string[]): Promise<TfRuntime> {
  const tf = (await import('@tensorflow/tfjs')) as Tf;
  let registeredKernels: string[] = [];
  if (choice === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(wasmFilePaths());
    await tf.setBackend('wasm');
    await tf.ready();
    registeredKernels = registerWasmGradientKernels(tf);
  } else {
    await tf.setBackend('cpu');
    await tf.ready();
  }
  return { tf, backend: tf.getBackend(), source: '@tensorflow/tfjs', registeredKernels, skipped };
}

async function load(choice: TfBackendChoice): Promise<TfRuntime> {
  const skipped: string[] = [];
  const natives: ('tfjs-node-gpu' | 'tfjs-node')[] =
    choice === 'auto' ? ['tfjs-node-gpu', 'tfjs-node'] : choice === 'tfjs-node-gpu' || choice === 'tfjs-node' ? [choice] : [];
  for (const native of natives) {
    const source = `@tensorflow/${native}` as const;
    const tf = await importOptional(source);
    if (typeof tf === 'string') {
      skipped.push(tf);
      continue;
    }
    await tf.ready();
    if (tf.getBackend() === 'tensorflow') return { tf, backend: 'tensorflow', source, registeredKernels: [], skipped };
    skipped.push(`${source} loaded but its backend is ${tf.getBackend()}`);
  }
  if (natives.length > 0 && choice !== 'auto') throw new Error(`TensorFlow.js backend ${choice} is not available: ${skipped.join('; ')}`);
  return useTfjs(choice === 'cpu' ? 'cpu' : 'wasm', skipped);
}

let loaded: { choice: TfBackendChoice; runtime: Promise<TfRuntime> } | null = null;

/** GENRE_TAGGER_TF_BACKEND=auto|tfjs-node-gpu|tfjs-node|wasm|cpu overrides the choice. */
export function tfBackendFromEnv(env: NodeJS.ProcessEnv = process.env): TfBackendChoice {
  const v = env.GENRE_TAGGER_TF_BACKEND;
  if (!v) return 'auto';
  if (!(tfBackendChoices as readonly string[]).includes(v)) {
    throw new Error(`GENRE_TAGGER_TF_BACKEND must be one of ${tfBackendChoices.join(', ')} (got ${v})`);
  }
  return v as TfBackendChoice;
}

/**
 * Loads TensorFlow.js on the fastest backend present, in this order: @tensorflow/tfjs-node-gpu,
 * @tensorflow/tfjs-node (both optional native packages), then @tensorflow/tfjs on WASM with our gradient kernels.
 * One engine per process (tfjs keeps global state), so the first choice sticks; asking again for `wasm` or `cpu`
 * after WASM is loaded just switches the active backend.
 */
export async function loadTfRuntime(choice: TfBackendChoice = tfBackendFromEnv()): Promise<TfRuntime> {
  if (!loaded) {
    const attempt = { choice, runtime: load(choice) };
    loaded = attempt;
    // A failed choice (e.g. tfjs-node asked for but not installed) must not block a later, different one.
    attempt.runtime.catch(() => {
      if (loaded === attempt) loaded = null;
    });
    return attempt.runtime;
  }
  const runtime = await loaded.runtime;
  if (choice === 'auto' || choice === loaded.choice) return runtime;
  if ((choice === 'wasm' || choice === 'cpu') && runtime.source === '@tensorflow/tfjs') {
    if (choice === 'wasm' && runtime.registeredKernels.length === 0) return useTfjs('wasm', runtime.skipped);
    await runtime.tf.setBackend(choice);
    return { ...runtime, backend: choice };
  }
  throw new Error(`TensorFlow.js is already loaded on ${runtime.backend}; cannot switch to ${choice} in this process`);
}
