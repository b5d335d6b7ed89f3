import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OnnxModel } from '../../../src/main/core/models/runtime/onnx-session.ts';
import { openOnnxModel } from '../../../src/main/core/models/runtime/onnx-session.ts';
import type { TensorData } from '../../../src/main/core/models/tensor-data.ts';
import { projectRoot } from '../../../src/main/project-root.ts';

/**
 * Minor page faults of the calling thread so far (Linux: /proc/thread-self/stat, field 10); of the whole process
 * where there is no /proc (getrusage).
 */
function threadFaults(): number {
  if (!existsSync('/proc/thread-self/stat')) return process.resourceUsage().minorPageFault;
  return Number(readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1].split(' ')[7]);
}

const cnnFile = join(projectRoot, 'models', 'cnn', 'gtzan-cnn', 'model.int8.onnx');

/** A batch of `batch` CNN inputs (64 mel bands x 256 frames) of a fixed signal, for `model`'s input. */
function cnnBatch(model: OnnxModel, batch: number): Record<string, TensorData> {
  const [mels, frames] = [64, 256];
  const data = new Float32Array(batch * mels * frames);
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.37) * 0.5;
  return { [model.inputNames[0]]: { data, shape: [batch, mels, frames, 1] } };
}

describe('openOnnxModel', () => {
  // onnxruntime-node runs a batch on the calling thread, so that thread's page faults are the run's fresh memory.
  it('touches fresh memory for a model only on its first run, not again on its second (no memory pattern)', async () => {
    const model = await openOnnxModel(cnnFile, { threads: 1 });
    try {
      const input = cnnBatch(model, 2);
      const faults: number[] = [];
      const outputs: Float32Array[] = [];
      for (let run = 0; run < 3; run++) {
        const before = threadFaults();
        outputs.push(Float32Array.from((await model.run(input)).data as Float32Array));
        faults.push(threadFaults() - before);
      }
      // the first run faults in its activations (about 4,100 pages at this batch), so the measure sees them ...
      expect(faults[0]).toBeGreaterThan(1000);
      // ... and the second reuses them: with onnxruntime's memory pattern on, it faulted 4,400 pages more
      expect(faults[1]).toBeLessThan(300);
      expect(faults[2]).toBeLessThan(300);
      expect(outputs[2]).toEqual(outputs[0]);
    } finally {
      await model.close();
    }
  });

  // A classification worker runs the models between stretches of analysis: onnxruntime's other threads must not spin
  // through them. With spinning on, this measure read 321 ms of CPU in the 500 ms of pauses (a core kept busy for
  // 30 ms after each run); without, 4 ms.
  it('leaves the cores alone between runs when it has several threads (no spinning)', async () => {
    const model = await openOnnxModel(cnnFile, { threads: 2 });
    try {
      const input = cnnBatch(model, 8);
      await model.run(input);
      let pausedCpuMs = 0;
      let runCpuMs = 0;
      for (let i = 0; i < 10; i++) {
        const a = process.cpuUsage();
        await model.run(input);
        const ran = process.cpuUsage(a);
        runCpuMs += (ran.user + ran.system) / 1000;
        const b = process.cpuUsage();
        await new Promise((resolve) => setTimeout(resolve, 50));
        const paused = process.cpuUsage(b);
        pausedCpuMs += (paused.user + paused.system) / 1000;
      }
      expect(runCpuMs, 'the runs themselves took CPU, so the measure sees CPU').toBeGreaterThan(20);
      expect(pausedCpuMs, 'CPU taken in 500 ms of pauses after runs').toBeLessThan(100);
    } finally {
      await model.close();
    }
  });
});
