import type { OnnxGraph } from './onnx-graph.ts';
import type { OnnxValue } from './onnx-value.ts';
import { layerWeight, requireWeight, transposeData } from './layer-weights.ts';

type Layer = import('@tensorflow/tfjs').layers.Layer;

const onnxActivation: Record<string, string> = { sigmoid: 'Sigmoid', tanh: 'Tanh', relu: 'Relu' };

/**
 * tfjs GRU -> ONNX GRU. tfjs implements the "reset before" GRU (Cho et al.): the reset gate multiplies the previous
 * state before the recurrent matrix, recurrent biases are absent; that is ONNX GRU with linear_before_reset = 0 and
 * Rb = 0. Both order the gates z, r, h, so W = kernelᵀ, R = recurrent_kernelᵀ, Wb = bias.
 * Input [n, T, F] (tfjs, batch first) is transposed to ONNX's time-major [T, n, F].
 */
export function convertGru(graph: OnnxGraph, layer: Layer, config: Record<string, unknown>, x: OnnxValue, outputShape: (number | null)[]): OnnxValue {
  if (config.returnState || config.stateful || config.goBackwards || config.unroll) {
    throw new Error(`${layer.name}: GRU with returnState, stateful, goBackwards or unroll is not exported`);
  }
  const f = onnxActivation[String(config.recurrentActivation)];
  const g = onnxActivation[String(config.activation)];
  if (!f || !g) throw new Error(`${layer.name}: GRU activations ${String(config.recurrentActivation)}/${String(config.activation)} are not exported`);
  const units = Number(config.units);
  const kernel = requireWeight(layer, 'kernel'); // [F, 3U]
  const recurrent = requireWeight(layer, 'recurrent_kernel'); // [U, 3U]
  const bias = layerWeight(layer, 'bias');
  const w = transposeData(kernel.data, kernel.shape, [1, 0]);
  const r = transposeData(recurrent.data, recurrent.shape, [1, 0]);
  const b = new Float32Array(6 * units);
  if (bias) b.set(bias.data, 0);
  const [timeMajor] = graph.node('Transpose', [x.name], `${layer.name}/time_major`, { perm: [1, 0, 2] });
  const [y, yH] = graph.node(
    'GRU',
    [
      timeMajor,
      graph.floatTensor(`${layer.name}/W`, w.data, [1, 3 * units, kernel.shape[0]]),
      graph.floatTensor(`${layer.name}/R`, r.data, [1, 3 * units, units]),
      graph.floatTensor(`${layer.name}/B`, b, [1, 6 * units]),
    ],
    layer.name,
    { hidden_size: units, activations: [f, g], linear_before_reset: 0, direction: 'forward' },
    2,
  );
  if (config.returnSequences) {
    // Y: [T, 1, n, U] -> [T, n, U] -> [n, T, U]
    const [squeezed] = graph.node('Squeeze', [y, graph.int64Tensor(`${layer.name}/axes`, [1])], `${layer.name}/sequence`);
    const [name] = graph.node('Transpose', [squeezed], `${layer.name}/batch_major`, { perm: [1, 0, 2] });
    return { name, shape: outputShape, nchw: false };
  }
  // Y_h: [1, n, U] -> [n, U]
  const [name] = graph.node('Squeeze', [yH, graph.int64Tensor(`${layer.name}/axes`, [0])], `${layer.name}/last`);
  return { name, shape: outputShape, nchw: false };
}
