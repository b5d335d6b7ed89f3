import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { loadOnnxRuntime } from './onnx-session.ts';

/** onnxruntime execution providers the classifiers may run on. */
export type ExecutionProviderName = 'cpu' | 'cuda' | 'dml' | 'coreml' | 'webgpu';
/** What a person asks for: the GPU when one works and is faster (auto, the default), or always the CPU. */
export type ComputePreference = 'auto' | 'cpu' | 'gpu';

/** The device the segment models (CNN, MLFI) run on, and why. */
export interface ComputeDevice {
  provider: ExecutionProviderName;
  /** For people: "GPU (webgpu)", "CPU". */
  label: string;
  /** Why this one: the GPU providers tried and what became of each. */
  reason: string;
}

/** A probe batch: the input of one model and its CPU answer, to check a GPU provider computes the same. */
export interface ProbeModel {
  path: string;
  inputs: Record<string, { data: Float32Array; shape: number[] }>;
}

const CPU: ComputeDevice = { provider: 'cpu', label: 'CPU', reason: 'the CPU was asked for' };

/** GENRE_TAGGER_COMPUTE=cpu|gpu|auto (default auto). */
export function computePreference(env: NodeJS.ProcessEnv = process.env): ComputePreference {
  const v = (env.GENRE_TAGGER_COMPUTE ?? 'auto').toLowerCase();
  if (v === 'cpu' || v === 'gpu' || v === 'auto') return v;
  throw new Error(`GENRE_TAGGER_COMPUTE must be auto, cpu or gpu (not ${env.GENRE_TAGGER_COMPUTE})`);
}

/** GPU providers that onnxruntime-node can use on this platform, in order of preference. */
export function gpuProviders(platform: NodeJS.Platform = process.platform): ExecutionProviderName[] {
  if (platform === 'win32') return ['cuda', 'dml', 'webgpu'];
  if (platform === 'darwin') return ['coreml', 'webgpu'];
  return ['cuda', 'webgpu'];
}

function bindingDir(): string | null {
  try {
    const require = createRequire(import.meta.url);
    const pkg = dirname(require.resolve('onnxruntime-node/package.json'));
    const arch = process.arch;
    const dir = join(pkg, 'bin', 'napi-v6', process.platform, arch);
    return existsSync(dir) ? dir : null;
  } catch {
    return null;
  }
}

const vulkanDriverDirs = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d', '/usr/local/etc/vulkan/icd.d'];

/**
 * Why a provider cannot work here, found without trying it (trying prints the driver's complaints on stderr and
 * costs time on every CPU-only machine), or null when it is worth a try.
 */
export function missingPrerequisite(provider: ExecutionProviderName, env: NodeJS.ProcessEnv = process.env): string | null {
  if (provider === 'cuda') {
    // The CUDA provider is a separate library that onnxruntime-node's installer downloads (off by default here).
    const dir = bindingDir();
    const lib = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
    return dir && existsSync(join(dir, lib)) ? null : `no ${lib} beside onnxruntime-node`;
  }
  if (provider === 'webgpu' && process.platform === 'linux') {
    // WebGPU runs on Vulkan here: without a Vulkan driver there is no adapter.
    if (env.VK_DRIVER_FILES || env.VK_ICD_FILENAMES) return null;
    const found = vulkanDriverDirs.some((d) => {
      try {
        return readdirSync(d).some((f) => f.endsWith('.json'));
      } catch {
        return false;
      }
    });
    return found ? null : 'no Vulkan driver';
  }
  return null;
}

async function timedRuns(session: import('onnxruntime-node').InferenceSession, model: ProbeModel, runs: number): Promise<{ ms: number; output: Float32Array }> {
  const ort = await loadOnnxRuntime();
  const feeds = Object.fromEntries(Object.entries(model.inputs).map(([name, t]) => [name, new ort.Tensor('float32', t.data, t.shape)]));
  let output = new Float32Array(0);
  await session.run(feeds); // warm-up: the first run compiles kernels and allocates
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) {
    const r = await session.run(feeds);
    output = Float32Array.from(r[session.outputNames[0]].data as Float32Array);
  }
  return { ms: (performance.now() - t0) / runs, output };
}

/** The GPU providers worth trying here; why each other one is not goes to `notes`. */
function gpuCandidates(notes: string[]): ExecutionProviderName[] {
  return gpuProviders().filter((p) => {
    const missing = missingPrerequisite(p);
    if (missing) notes.push(`${p}: ${missing}`);
    return !missing;
  });
}

function onnxRuntimeVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    return (require('onnxruntime-node/package.json') as { version: string }).version;
  } catch {
    return '';
  }
}

/**
 * Chooses where the segment models run. With `cpu`, the CPU. Otherwise each GPU provider of this platform whose
 * prerequisites are present is tried on a real batch of the model: it is chosen only if it opens, computes the
 * CPU's answer (within 1e-3) and is faster than the CPU on that batch, so a software adapter (a Vulkan or Direct3D
 * renderer on the processor) never makes classification slower. `gpu` reports why no GPU could be used the same
 * way, and then uses the CPU too: classification never fails for the want of one.
 */
export async function chooseComputeDevice(preference: ComputePreference, model: ProbeModel | null): Promise<ComputeDevice> {
  if (preference === 'cpu') return CPU;
  const notes: string[] = [];
  const candidates = gpuCandidates(notes);
  if (candidates.length > 0 && model) {
    const ort = await loadOnnxRuntime();
    const cpuSession = await ort.InferenceSession.create(model.path, { executionProviders: ['cpu'], graphOptimizationLevel: 'all', intraOpNumThreads: 1 });
    try {
      const cpu = await timedRuns(cpuSession, model, 2);
      for (const provider of candidates) {
        let session: import('onnxruntime-node').InferenceSession | null = null;
        try {
          session = await ort.InferenceSession.create(model.path, { executionProviders: [provider], graphOptimizationLevel: 'all', logSeverityLevel: 3 });
          const gpu = await timedRuns(session, model, 2);
          let worst = 0;
          for (let i = 0; i < cpu.output.length; i++) worst = Math.max(worst, Math.abs(cpu.output[i] - gpu.output[i]));
          if (gpu.output.length !== cpu.output.length || !(worst <= 1e-3)) {
            notes.push(`${provider}: its answer differs from the CPU's (by ${worst.toExponential(1)})`);
          } else if (gpu.ms >= cpu.ms) {
            notes.push(`${provider}: slower than the CPU (${gpu.ms.toFixed(1)} ms against ${cpu.ms.toFixed(1)} ms a batch)`);
          } else {
            return {
              provider,
              label: `GPU (${provider})`,
              reason: `${provider} computes the CPU's answer ${(cpu.ms / gpu.ms).toFixed(1)}x faster (${gpu.ms.toFixed(1)} ms against ${cpu.ms.toFixed(1)} ms a batch)`,
            };
          }
        } catch (error) {
          notes.push(`${provider}: ${(error instanceof Error ? error.message : String(error)).split('\n')[0].slice(0, 160)}`);
        } finally {
          await session?.release();
        }
      }
    } finally {
      await cpuSession.release();
    }
  }
  return { provider: 'cpu', label: 'CPU', reason: notes.length > 0 ? `no GPU to use (${notes.join('; ')})` : 'no GPU to use' };
}

interface CachedChoice {
  key: string;
  device: ComputeDevice;
}

/**
 * chooseComputeDevice, remembered in `file` for the same onnxruntime, platform, preference and model: a GPU is
 * tried once, not at every job. A cached GPU that no longer opens is handled where sessions open (the CPU is used).
 */
export async function cachedComputeDevice(file: string, preference: ComputePreference, model: ProbeModel | null): Promise<ComputeDevice> {
  if (preference === 'cpu') return CPU;
  // Nothing to try (every CPU-only machine): answered at once, without loading onnxruntime or a file.
  if (gpuCandidates([]).length === 0 || !model) return chooseComputeDevice(preference, model);
  const key = JSON.stringify([onnxRuntimeVersion(), process.platform, process.arch, preference, model.path]);
  try {
    const cached = JSON.parse(readFileSync(file, 'utf8')) as CachedChoice;
    if (cached.key === key) return cached.device;
  } catch {
    // none yet, or unreadable: probe
  }
  const device = await chooseComputeDevice(preference, model);
  try {
    writeFileSync(file, JSON.stringify({ key, device } satisfies CachedChoice));
  } catch {
    // a read-only data folder: probe again next time
  }
  return device;
}
