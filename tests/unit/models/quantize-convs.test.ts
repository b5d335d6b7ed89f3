import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OnnxGraph } from '../../../src/main/core/models/onnx/onnx-graph.ts';
import { onnxMessage } from '../../../src/main/core/models/onnx/onnx-schema.ts';
import { calibrateConvs, quantizableConvs, quantizeConvs } from '../../../src/main/core/models/onnx/quantize-convs.ts';
import { loadOnnxRuntime, openOnnxModel } from '../../../src/main/core/models/runtime/onnx-session.ts';
import type { TensorData } from '../../../src/main/core/models/tensor-data.ts';
import { projectRoot } from '../../../src/main/project-root.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

const ort = await loadOnnxRuntime();

const open = (model: Uint8Array) => openOnnxModel(model, { threads: 1 });
const outputOf = async (model: Uint8Array, inputs: Record<string, TensorData>, name: string): Promise<Float32Array> => {
  const m = await open(model);
  try {
    return (await m.run(inputs, name)).data;
  } finally {
    await m.close();
  }
};

function encode(g: OnnxGraph): Uint8Array {
  const type = onnxMessage('ModelProto');
  const proto = { ir_version: 8, opset_import: [{ domain: '', version: 17 }], producer_name: 'test', graph: { name: 'g', node: g.nodes, initializer: g.initializers, input: g.inputs, output: g.outputs } };
  return type.encode(type.fromObject(proto)).finish();
}

// x -> Relu -> Conv (8 -> 4 channels, 3x3, same) -> Relu -> y, with weights and inputs drawn from a fixed generator.
function tinyModel(): { model: Uint8Array; w: Float32Array; b: Float32Array } {
  let seed = 7;
  const rnd = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32 - 0.5;
  };
  const w = Float32Array.from({ length: 4 * 8 * 9 }, () => rnd());
  const b = Float32Array.from({ length: 4 }, () => rnd() * 0.2);
  const g = new OnnxGraph();
  g.addInput('x', [null, 8, 6, 6]);
  const [r] = g.node('Relu', ['x'], 'pre');
  const [c] = g.node('Conv', [r, g.floatTensor('w', w, [4, 8, 3, 3]), g.floatTensor('b', b, [4])], 'conv', { kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
  const [y] = g.node('Relu', [c], 'post');
  g.node('Identity', [y], 'out', {}, ['y']);
  g.addOutput('y', [null, 4, 6, 6]);
  return { model: encode(g), w, b };
}

describe('int8 convolutions (QDQ)', () => {
  it('stay within the error that rounding to their scales allows, on a convolution computed by hand', async () => {
    const { model, w } = tinyModel();
    const convs = quantizableConvs(model);
    expect(convs).toHaveLength(1);
    const x = Float32Array.from({ length: 2 * 8 * 36 }, (_, i) => Math.abs(Math.sin(i * 1.7)) * 3);
    const batch = { x: { data: x, shape: [2, 8, 6, 6] } };
    const ranges = await calibrateConvs(model, convs, [batch], open);
    expect(ranges[0].inputMax).toBeCloseTo(Math.max(...x), 5);
    const int8 = quantizeConvs(model, ranges);
    const float = await outputOf(model, batch, 'y');
    const quantised = await outputOf(int8, batch, 'y');
    // Worst case of one output: each of the 72 products is off by |w| * sx / 2 (input rounding) + |x| * sw / 2
    // (weight rounding), plus half an output step.
    const sx = ranges[0].inputMax / 255;
    const sy = ranges[0].outputMax / 255;
    let bound = 0;
    for (let k = 0; k < 4; k++) {
      const ws = w.subarray(k * 72, k * 72 + 72);
      const sw = Math.max(...ws.map(Math.abs)) / 127;
      bound = Math.max(bound, ws.reduce((t, v) => t + Math.abs(v) * (sx / 2) + ranges[0].inputMax * (sw / 2), 0) + sy / 2);
    }
    let worst = 0;
    for (let i = 0; i < float.length; i++) worst = Math.max(worst, Math.abs(float[i] - quantised[i]));
    expect(worst).toBeGreaterThan(0); // it is int8 arithmetic, not the float model again
    expect(worst).toBeLessThanOrEqual(bound);
    expect(Math.min(...quantised)).toBeGreaterThanOrEqual(0); // the ReLU folded into the zero point still clamps
  });

  it('the shipped CNN: its second convolution runs as QLinearConv and gives the float model\'s answers', async () => {
    const dir = join(projectRoot, 'models', 'cnn', 'gtzan-cnn');
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { files: Record<string, string>; quantization: Record<string, number> };
    expect(manifest.files.onnxInt8).toBe('model.int8.onnx');
    const float = readFileSync(join(dir, manifest.files.onnx));
    const int8 = readFileSync(join(dir, manifest.files.onnxInt8));
    expect(quantizableConvs(float).map((c) => c.conv)).toEqual(['conv2/Conv']);
    // onnxruntime's own optimised graph of the int8 file holds the fused integer convolution
    const tmp = makeTempDir();
    try {
      const optimised = join(tmp.dir, 'optimised.onnx');
      const s = await ort.InferenceSession.create(int8, {
        intraOpNumThreads: 1,
        graphOptimizationLevel: 'extended',
        optimizedModelFilePath: optimised,
        extra: { optimization: { disable_specified_optimizers: 'QDQPropagationTransformer' } },
      } as object);
      await s.release();
      const type = onnxMessage('ModelProto');
      const graph = type.toObject(type.decode(readFileSync(optimised))) as { graph: { node: { op_type: string }[] } };
      expect(graph.graph.node.map((n) => n.op_type)).toContain('QLinearConv');
    } finally {
      tmp.cleanup();
    }
    // what quantize:models measured over the 101 GTZAN clips, kept in the manifest
    expect(manifest.quantization.trackTopGenreAgreement).toBeGreaterThanOrEqual(0.99);
    expect(manifest.quantization.accuracyInt8).toBeGreaterThanOrEqual(manifest.quantization.accuracyFloat - 0.01);
  });

  it('the shipped MLFI: the convolutions whose batch normalisation folds in and whose input is a ReLU\'s are int8', async () => {
    const dir = join(projectRoot, 'models', 'mlfi', 'gtzan-mlfi-two-way-b');
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { files: Record<string, string>; quantization: Record<string, number> };
    const float = readFileSync(join(dir, manifest.files.onnx));
    // conv1 reads one channel (the spectrogram); conv3 reads the sum of the image and the audio branch, which can be negative
    expect(quantizableConvs(float).map((c) => [c.conv, c.batchNorm])).toEqual([
      ['vfe_conv2/Conv', 'vfe_bn2/BatchNormalization'],
      ['vfe_conv4/Conv', 'vfe_bn4/BatchNormalization'],
    ]);
    const type = onnxMessage('ModelProto');
    const int8 = type.toObject(type.decode(readFileSync(join(dir, manifest.files.onnxInt8)))) as { graph: { node: { op_type: string; name: string }[] } };
    expect(int8.graph.node.filter((n) => n.op_type === 'BatchNormalization').map((n) => n.name)).toEqual(['vfe_bn1/BatchNormalization', 'vfe_bn3/BatchNormalization']);
    expect(manifest.quantization.trackTopGenreAgreement).toBeGreaterThanOrEqual(0.99);
    expect(manifest.quantization.accuracyInt8).toBeGreaterThanOrEqual(manifest.quantization.accuracyFloat - 0.01);
  });
});
