import { join } from 'node:path';
import type { ProbeModel } from '../models/runtime/compute-device.ts';
import type { ActiveModel } from './active-models.ts';

/** The batch a GPU is tried on (compute-device.ts): eight segments, as the classification sends them. */
const PROBE_BATCH = 8;

/**
 * The first active model with an ONNX file (active models come in the kinds' order: the CNN, the heaviest, before
 * the MLFI) with a batch of fixed pseudo-random inputs of its shapes, or null when none has one (the SVM alone runs
 * in TypeScript: nothing to move to a GPU). It reads the manifests only: the job's thread, which probes, does not
 * load the kinds' registry and the inference code behind it (0.2 s from source).
 */
export function computeProbeModel(models: readonly ActiveModel[]): ProbeModel | null {
  const model = models.find((m) => m.manifest.files.onnx);
  if (!model?.manifest.files.onnx) return null;
  const makeInputs = (): ProbeModel['inputs'] => {
    let seed = 12345;
    const next = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32 - 0.5;
    };
    return Object.fromEntries(
      model.manifest.inputs.map((spec) => {
        const shape = [PROBE_BATCH, ...spec.shape.slice(1)];
        const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
        for (let i = 0; i < data.length; i++) data[i] = 2 * next();
        return [spec.name, { data, shape }];
      }),
    );
  };
  // The batch is made when a GPU is tried, not before: a machine without one (or with its choice remembered) never
  // reads it, and making it took 10 ms at the start of every classification job.
  let inputs: ProbeModel['inputs'] | null = null;
  return {
    path: join(model.dir, model.manifest.files.onnx),
    get inputs() {
      return (inputs ??= makeInputs());
    },
  };
}
