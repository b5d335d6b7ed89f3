import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { computeProbeModel } from '../../../src/main/core/classify/compute-probe-model.ts';
import { activeModels } from '../../../src/main/core/classify/active-models.ts';
import { cachedComputeDevice, chooseComputeDevice, computePreference, gpuProviders, missingPrerequisite } from '../../../src/main/core/models/runtime/compute-device.ts';
import { ModelStore } from '../../../src/main/core/models/store/model-store.ts';
import { projectRoot } from '../../../src/main/project-root.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

// These machines (CI and development) have no GPU and onnxruntime-node without its CUDA library: what a person
// without a GPU gets, checked against the real onnxruntime-node.
describe('where the segment models run', () => {
  const tmp = makeTempDir();
  const models = activeModels(new ModelStore({ userDir: join(tmp.dir, 'user'), shippedDir: join(projectRoot, 'models') }));
  const saved = process.env.VK_DRIVER_FILES;
  afterEach(() => {
    if (saved === undefined) delete process.env.VK_DRIVER_FILES;
    else process.env.VK_DRIVER_FILES = saved;
  });

  it('reads the preference, and refuses a wrong one', () => {
    expect(computePreference({})).toBe('auto');
    expect(computePreference({ GENRE_TAGGER_COMPUTE: 'CPU' })).toBe('cpu');
    expect(computePreference({ GENRE_TAGGER_COMPUTE: 'gpu' })).toBe('gpu');
    expect(() => computePreference({ GENRE_TAGGER_COMPUTE: 'tpu' })).toThrow(/auto, cpu or gpu/);
    expect(gpuProviders('win32')).toEqual(['cuda', 'dml', 'webgpu']);
    expect(gpuProviders('darwin')).toEqual(['coreml', 'webgpu']);
    expect(gpuProviders('linux')).toEqual(['cuda', 'webgpu']);
  });

  it('probes a segment model on a batch of its own input shapes', () => {
    const probe = computeProbeModel(models)!;
    const model = models.find((m) => probe.path === join(m.dir, m.manifest.files.onnx ?? ''))!;
    expect(['cnn', 'mlfi']).toContain(model.kind);
    for (const spec of model.manifest.inputs) {
      expect(probe.inputs[spec.name].shape).toEqual([8, ...spec.shape.slice(1)]);
      expect(probe.inputs[spec.name].data.some((x) => x !== 0)).toBe(true);
    }
    expect(computeProbeModel(models.filter((m) => m.kind === 'svm'))).toBeNull();
  });

  it('makes the probe batch only when a GPU is tried, and once', async () => {
    delete process.env.VK_DRIVER_FILES;
    const probe = computeProbeModel(models)!;
    // a getter, not a batch made up front (10 ms at the start of every classification job)
    expect(typeof Object.getOwnPropertyDescriptor(probe, 'inputs')?.get).toBe('function');
    let reads = 0;
    const counted = {
      path: probe.path,
      get inputs() {
        reads++;
        return probe.inputs;
      },
    };
    // no GPU provider can work here (the next test checks why): the batch is never read
    expect(await cachedComputeDevice(join(tmp.dir, 'no-gpu.json'), 'auto', counted)).toMatchObject({ provider: 'cpu' });
    expect(reads).toBe(0);
    expect(probe.inputs).toBe(probe.inputs);
  });

  it('without a GPU, uses the CPU and says why, without trying a provider that cannot work', async () => {
    delete process.env.VK_DRIVER_FILES;
    expect(missingPrerequisite('cuda')).toMatch(/no libonnxruntime_providers_cuda\.so beside onnxruntime-node/);
    const device = await chooseComputeDevice('auto', computeProbeModel(models));
    expect(device.provider).toBe('cpu');
    expect(device.label).toBe('CPU');
    expect(device.reason).toMatch(/^no GPU to use \(cuda: no libonnxruntime_providers_cuda\.so/);
    expect(await chooseComputeDevice('cpu', computeProbeModel(models))).toMatchObject({ provider: 'cpu', reason: 'the CPU was asked for' });
  });

  it('tries WebGPU when a Vulkan driver is named, and falls back to the CPU when it has no adapter', async () => {
    process.env.VK_DRIVER_FILES = join(tmp.dir, 'no-such-driver.json');
    const device = await chooseComputeDevice('gpu', computeProbeModel(models));
    expect(device.provider).toBe('cpu');
    expect(device.reason).toMatch(/webgpu: /);
    expect(device.reason).not.toMatch(/webgpu: no Vulkan driver/);
    // remembered: the second job does not probe again (the file answers for the same runtime and model)
    const file = join(tmp.dir, 'compute-device.json');
    const first = await cachedComputeDevice(file, 'gpu', computeProbeModel(models));
    expect(first.provider).toBe('cpu');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ device: first });
    const again = await cachedComputeDevice(file, 'gpu', computeProbeModel(models));
    expect(again).toEqual(first);
  });
});
