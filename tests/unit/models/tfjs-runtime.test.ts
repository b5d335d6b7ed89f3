import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { loadTfRuntime, tfBackendFromEnv } from '../../../src/main/core/models/runtime/load-tfjs.ts';

const require = createRequire(import.meta.url);
const installed = (name: string): boolean => {
  try {
    require.resolve(`${name}/package.json`);
    return true;
  } catch {
    return false;
  }
};

describe('TensorFlow.js backend selection', () => {
  it('takes the fastest backend present: native TensorFlow if installed, else WASM with our kernels', async () => {
    const nativeGpu = installed('@tensorflow/tfjs-node-gpu');
    const native = installed('@tensorflow/tfjs-node');
    if (!native) await expect(loadTfRuntime('tfjs-node')).rejects.toThrow(/tfjs-node is not installed/);
    const rt = await loadTfRuntime('auto');
    if (nativeGpu || native) {
      expect(rt.backend).toBe('tensorflow');
    } else {
      expect(rt.backend).toBe('wasm');
      expect(rt.source).toBe('@tensorflow/tfjs');
      expect(rt.skipped).toEqual(['@tensorflow/tfjs-node-gpu is not installed', '@tensorflow/tfjs-node is not installed']);
      expect(rt.registeredKernels).toContain('Conv2DBackpropFilter');
      const cpu = await loadTfRuntime('cpu');
      expect(cpu.tf.getBackend()).toBe('cpu');
      expect((await loadTfRuntime('wasm')).tf.getBackend()).toBe('wasm');
    }
  });

  it('reads an override from GENRE_TAGGER_TF_BACKEND', () => {
    expect(tfBackendFromEnv({})).toBe('auto');
    expect(tfBackendFromEnv({ GENRE_TAGGER_TF_BACKEND: 'cpu' })).toBe('cpu');
    expect(() => tfBackendFromEnv({ GENRE_TAGGER_TF_BACKEND: 'tpu' })).toThrow(/must be one of/);
  });
});
