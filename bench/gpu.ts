// npm run bench:gpu — where the segment models would run on this machine, and how fast, in one run.
// 1. The choice classification makes (compute-device.ts, preference auto): each GPU provider of the platform is
//    tried on a real batch and chosen only if it computes the CPU's answer and beats it; the reason is printed.
// 2. Per segment model (CNN, MLFI) and runtime: segments per second at batches of 8 (what classification sends)
//    and 64, on the CPU with 1 thread and with every core, and on each GPU provider that opened; beside the GPU
//    figures, the largest difference from the CPU's probabilities and the share of segments whose top genre agrees.
// Inputs are fixed pseudo-random batches of each model's own shapes (no audio needed: the arithmetic is the same).
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import { activeModels } from '../src/main/core/classify/active-models.ts';
import { computeProbeModel } from '../src/main/core/classify/compute-probe-model.ts';
import { modelKind } from '../src/main/core/models/kinds/registry.ts';
import { chooseComputeDevice, gpuProviders, missingPrerequisite } from '../src/main/core/models/runtime/compute-device.ts';
import type { ExecutionProviderName } from '../src/main/core/models/runtime/compute-device.ts';
import { loadOnnxRuntime } from '../src/main/core/models/runtime/onnx-session.ts';
import { ModelStore } from '../src/main/core/models/store/model-store.ts';
import { projectRoot } from '../src/main/project-root.ts';

const ort = await loadOnnxRuntime();
const models = activeModels(new ModelStore({ userDir: join(projectRoot, 'bench', '.tmp', 'no-user-models'), shippedDir: join(projectRoot, 'models') }));
const out: string[] = [];
const t0 = performance.now();
const device = await chooseComputeDevice('auto', computeProbeModel(models));
out.push(`Chosen (auto): ${device.label}, in ${(performance.now() - t0).toFixed(0)} ms: ${device.reason}`);

function inputsFor(manifest: (typeof models)[number]['manifest'], batch: number): Record<string, InstanceType<typeof ort.Tensor>> {
  let seed = 99;
  const next = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32 - 0.5;
  };
  return Object.fromEntries(
    manifest.inputs.map((spec) => {
      const shape = [batch, ...spec.shape.slice(1)];
      const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
      for (let i = 0; i < data.length; i++) data[i] = 2 * next();
      return [spec.name, new ort.Tensor('float32', data, shape)];
    }),
  );
}

async function rate(session: InferenceSession, feeds: Record<string, InstanceType<typeof ort.Tensor>>, batch: number): Promise<{ perSecond: number; output: Float32Array }> {
  let output = Float32Array.from((await session.run(feeds))[session.outputNames[0]].data as Float32Array);
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < 1500 || n < 3) {
    output = Float32Array.from((await session.run(feeds))[session.outputNames[0]].data as Float32Array);
    n++;
  }
  return { perSecond: (n * batch * 1000) / (performance.now() - start), output };
}

const providers = gpuProviders().filter((p) => {
  const missing = missingPrerequisite(p);
  if (missing) out.push(`${p}: not tried (${missing})`);
  return !missing;
});
for (const m of models.filter((x) => modelKind(x.kind).role === 'segment' && x.manifest.files.onnx)) {
  const path = join(m.dir, m.manifest.files.onnx!);
  const k = m.manifest.labels.length;
  for (const batch of [8, 64]) {
    const feeds = inputsFor(m.manifest, batch);
    const configs: { name: string; providers: ExecutionProviderName[]; threads: number }[] = [
      { name: 'CPU, 1 thread', providers: ['cpu'], threads: 1 },
      { name: `CPU, ${availableParallelism()} threads`, providers: ['cpu'], threads: availableParallelism() },
      ...providers.map((p) => ({ name: p, providers: [p], threads: 1 })),
    ];
    let cpu: Float32Array | null = null;
    for (const c of configs) {
      let session: InferenceSession | null = null;
      try {
        session = await ort.InferenceSession.create(path, { executionProviders: c.providers, intraOpNumThreads: c.threads, graphOptimizationLevel: 'all', logSeverityLevel: 3 });
        const r = await rate(session, feeds, batch);
        let note = '';
        if (cpu === null) cpu = r.output;
        else if (c.providers[0] !== 'cpu') {
          let worst = 0;
          let agree = 0;
          for (let i = 0; i < batch; i++) {
            let a = 0;
            let b = 0;
            for (let j = 0; j < k; j++) {
              worst = Math.max(worst, Math.abs(cpu[i * k + j] - r.output[i * k + j]));
              if (cpu[i * k + j] > cpu[i * k + a]) a = j;
              if (r.output[i * k + j] > r.output[i * k + b]) b = j;
            }
            if (a === b) agree++;
          }
          note = `; largest difference from the CPU ${worst.toExponential(1)}, top genre agrees on ${agree}/${batch}`;
        }
        out.push(`  ${m.kind.padEnd(5)} batch ${String(batch).padStart(2)}  ${c.name.padEnd(16)} ${r.perSecond.toFixed(0).padStart(7)} segments/s${note}`);
      } catch (error) {
        out.push(`  ${m.kind.padEnd(5)} batch ${String(batch).padStart(2)}  ${c.name.padEnd(16)} failed: ${(error instanceof Error ? error.message : String(error)).split('\n')[0].slice(0, 200)}`);
      } finally {
        await session?.release();
      }
    }
  }
}
process.stdout.write(`${out.join('\n')}\n`);
