import type { OnnxGraph } from './onnx-graph.ts';
import type { OnnxValue } from './onnx-value.ts';
import { nchwAxis, toNchw, toPlain } from './onnx-value.ts';
import { convertGru } from './gru-converter.ts';
import { layerWeight, requireWeight, transposeData } from './layer-weights.ts';

type Layer = import('@tensorflow/tfjs').layers.Layer;
type Config = Record<string, unknown>;

export interface ConvertArgs {
  graph: OnnxGraph;
  layer: Layer;
  config: Config;
  inputs: OnnxValue[];
  /** The tfjs output shape of the layer (batch null). */
  outputShape: (number | null)[];
}

type Converter = (args: ConvertArgs) => OnnxValue;

function pair(v: unknown, name: string): [number, number] {
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2) return [Number(v[0]), Number(v[1])];
  throw new Error(`Expected a number or a pair for ${name}, got ${JSON.stringify(v)}`);
}

/** ONNX pads [top, left, bottom, right] reproducing TensorFlow's 'same' / 'valid' padding on a known input size. */
export function tfPads(padding: unknown, inSize: [number, number], kernel: [number, number], strides: [number, number], dilation: [number, number] = [1, 1]): number[] {
  if (padding === 'valid') return [0, 0, 0, 0];
  if (padding !== 'same') throw new Error(`Unsupported padding ${String(padding)}`);
  const begin: number[] = [];
  const end: number[] = [];
  for (let d = 0; d < 2; d++) {
    const out = Math.ceil(inSize[d] / strides[d]);
    const total = Math.max((out - 1) * strides[d] + (kernel[d] - 1) * dilation[d] + 1 - inSize[d], 0);
    begin.push(Math.floor(total / 2));
    end.push(total - Math.floor(total / 2));
  }
  return [begin[0], begin[1], end[0], end[1]];
}

function spatial(v: OnnxValue, layer: Layer): [number, number] {
  const [, h, w] = v.shape;
  if (typeof h !== 'number' || typeof w !== 'number') throw new Error(`${layer.name}: spatial size must be known to export`);
  return [h, w];
}

/** Applies a Keras activation by name; 'linear' adds nothing. Softmax runs over the last tfjs axis. */
export function applyActivation(graph: OnnxGraph, v: OnnxValue, activation: unknown, base: string): OnnxValue {
  const name = String(activation ?? 'linear');
  const one = (op: string, attrs = {}): OnnxValue => ({ ...v, name: graph.node(op, [v.name], base, attrs)[0] });
  switch (name) {
    case 'linear':
      return v;
    case 'relu':
      return one('Relu');
    case 'sigmoid':
      return one('Sigmoid');
    case 'tanh':
      return one('Tanh');
    case 'elu':
      return one('Elu', { alpha: { float: 1 } });
    case 'softplus':
      return one('Softplus');
    case 'hardSigmoid':
      return one('HardSigmoid', { alpha: { float: 0.2 }, beta: { float: 0.5 } });
    case 'softmax': {
      const plain = toPlain(graph, v, base);
      return { ...plain, name: graph.node('Softmax', [plain.name], base, { axis: -1 })[0] };
    }
    default:
      throw new Error(`Activation ${name} is not supported by the ONNX exporter`);
  }
}

const conv2d: Converter = ({ graph, layer, config, inputs, outputShape }) => {
  if (config.dataFormat !== 'channelsLast') throw new Error(`${layer.name}: only channelsLast convolutions are exported`);
  const x = toNchw(graph, inputs[0], layer.name);
  const kernel = requireWeight(layer, 'kernel'); // [kh, kw, cin, cout]
  const w = transposeData(kernel.data, kernel.shape, [3, 2, 0, 1]); // [cout, cin, kh, kw]
  const ins = [x.name, graph.floatTensor(`${layer.name}/kernel`, w.data, w.shape)];
  const bias = layerWeight(layer, 'bias');
  if (bias) ins.push(graph.floatTensor(`${layer.name}/bias`, bias.data, bias.shape));
  const k = pair(config.kernelSize, 'kernelSize');
  const s = pair(config.strides, 'strides');
  const d = pair(config.dilationRate ?? 1, 'dilationRate');
  const [name] = graph.node('Conv', ins, layer.name, {
    kernel_shape: k,
    strides: s,
    dilations: d,
    pads: tfPads(config.padding, spatial(x, layer), k, s, d),
    group: 1,
  });
  return applyActivation(graph, { name, shape: outputShape, nchw: true }, config.activation, layer.name);
};

const pooling =
  (op: 'MaxPool' | 'AveragePool'): Converter =>
  ({ graph, layer, config, inputs, outputShape }) => {
    if (config.dataFormat !== 'channelsLast') throw new Error(`${layer.name}: only channelsLast pooling is exported`);
    const x = toNchw(graph, inputs[0], layer.name);
    const k = pair(config.poolSize, 'poolSize');
    const s = pair(config.strides ?? config.poolSize, 'strides');
    const attrs: Record<string, number | number[]> = { kernel_shape: k, strides: s, pads: tfPads(config.padding, spatial(x, layer), k, s) };
    if (op === 'AveragePool') attrs.count_include_pad = 0;
    const [name] = graph.node(op, [x.name], layer.name, attrs);
    return { name, shape: outputShape, nchw: true };
  };

const dense: Converter = ({ graph, layer, config, inputs, outputShape }) => {
  const x = toPlain(graph, inputs[0], layer.name);
  const kernel = requireWeight(layer, 'kernel'); // [in, out]
  const w = graph.floatTensor(`${layer.name}/kernel`, kernel.data, kernel.shape);
  const bias = layerWeight(layer, 'bias');
  let name: string;
  if (x.shape.length === 2) {
    const ins = [x.name, w];
    if (bias) ins.push(graph.floatTensor(`${layer.name}/bias`, bias.data, bias.shape));
    [name] = graph.node('Gemm', ins, layer.name, { alpha: { float: 1 }, beta: { float: 1 } });
  } else {
    [name] = graph.node('MatMul', [x.name, w], layer.name);
    if (bias) [name] = graph.node('Add', [name, graph.floatTensor(`${layer.name}/bias`, bias.data, bias.shape)], layer.name);
  }
  return applyActivation(graph, { name, shape: outputShape, nchw: false }, config.activation, layer.name);
};

const batchNormalization: Converter = ({ graph, layer, config, inputs, outputShape }) => {
  const rank = inputs[0].shape.length;
  const axis = Number(config.axis ?? -1);
  if (axis !== -1 && axis !== rank - 1) throw new Error(`${layer.name}: only channels-last batch normalisation is exported`);
  if (rank !== 4 && rank !== 2) throw new Error(`${layer.name}: batch normalisation of rank ${rank} is not exported`);
  const x = rank === 4 ? toNchw(graph, inputs[0], layer.name) : inputs[0];
  const mean = requireWeight(layer, 'moving_mean');
  const variance = requireWeight(layer, 'moving_variance');
  const channels = mean.data.length;
  const gamma = layerWeight(layer, 'gamma')?.data ?? new Float32Array(channels).fill(1);
  const beta = layerWeight(layer, 'beta')?.data ?? new Float32Array(channels);
  const [name] = graph.node(
    'BatchNormalization',
    [
      x.name,
      graph.floatTensor(`${layer.name}/gamma`, gamma, [channels]),
      graph.floatTensor(`${layer.name}/beta`, beta, [channels]),
      graph.floatTensor(`${layer.name}/moving_mean`, mean.data, [channels]),
      graph.floatTensor(`${layer.name}/moving_variance`, variance.data, [channels]),
    ],
    layer.name,
    { epsilon: { float: Number(config.epsilon ?? 1e-3) } },
  );
  return { name, shape: outputShape, nchw: x.nchw };
};

const activation: Converter = ({ graph, layer, config, inputs, outputShape }) =>
  ({ ...applyActivation(graph, inputs[0], config.activation, layer.name), shape: outputShape });

const identity: Converter = ({ inputs, outputShape }) => ({ ...inputs[0], shape: outputShape });

const flatten: Converter = ({ graph, layer, inputs, outputShape }) => {
  const x = toPlain(graph, inputs[0], layer.name);
  const [name] = graph.node('Flatten', [x.name], layer.name, { axis: 1 });
  return { name, shape: outputShape, nchw: false };
};

const reshape: Converter = ({ graph, layer, config, inputs, outputShape }) => {
  const x = toPlain(graph, inputs[0], layer.name);
  const target = config.targetShape as number[];
  const shape = graph.int64Tensor(`${layer.name}/shape`, [0, ...target]);
  const [name] = graph.node('Reshape', [x.name, shape], layer.name);
  return { name, shape: outputShape, nchw: false };
};

const permute: Converter = ({ graph, layer, config, inputs, outputShape }) => {
  const x = toPlain(graph, inputs[0], layer.name);
  const [name] = graph.node('Transpose', [x.name], layer.name, { perm: [0, ...(config.dims as number[])] });
  return { name, shape: outputShape, nchw: false };
};

const repeatVector: Converter = ({ graph, layer, config, inputs, outputShape }) => {
  const x = toPlain(graph, inputs[0], layer.name);
  const [expanded] = graph.node('Unsqueeze', [x.name, graph.int64Tensor(`${layer.name}/axes`, [1])], layer.name);
  const [name] = graph.node('Tile', [expanded, graph.int64Tensor(`${layer.name}/repeats`, [1, Number(config.n), 1])], layer.name);
  return { name, shape: outputShape, nchw: false };
};

/** Inputs of a merge in one layout: channels first when all are images, tfjs layout otherwise. */
function sameLayout(args: ConvertArgs): OnnxValue[] {
  const { graph, layer, inputs } = args;
  const ranks = new Set(inputs.map((v) => v.shape.length));
  if (ranks.size > 1) throw new Error(`${layer.name}: merging tensors of different ranks is not exported`);
  return inputs[0].shape.length === 4 ? inputs.map((v) => toNchw(graph, v, layer.name)) : inputs.map((v) => toPlain(graph, v, layer.name));
}

const concatenate: Converter = (args) => {
  const inputs = sameLayout(args);
  const axis = Number(args.config.axis ?? -1);
  const rank = inputs[0].shape.length;
  const onnxAxis = inputs[0].nchw ? nchwAxis(axis) : axis < 0 ? axis + rank : axis;
  const [name] = args.graph.node('Concat', inputs.map((v) => v.name), args.layer.name, { axis: onnxAxis });
  return { name, shape: args.outputShape, nchw: inputs[0].nchw };
};

const elementwise =
  (op: 'Add' | 'Mul' | 'Sub' | 'Max' | 'Min' | 'Mean'): Converter =>
  (args) => {
    const inputs = sameLayout(args);
    let name: string;
    if (op === 'Sub' || inputs.length === 2) [name] = args.graph.node(op, inputs.map((v) => v.name), args.layer.name);
    else if (op === 'Add' || op === 'Max' || op === 'Min' || op === 'Mean') {
      [name] = args.graph.node(op === 'Add' ? 'Sum' : op, inputs.map((v) => v.name), args.layer.name);
    } else {
      name = inputs[0].name;
      for (const v of inputs.slice(1)) [name] = args.graph.node(op, [name, v.name], args.layer.name);
    }
    return { name, shape: args.outputShape, nchw: inputs[0].nchw };
  };

/** tfjs layer class name -> converter. Every layer type our models use, and a few neighbours. */
export const layerConverters: Record<string, Converter> = {
  Conv2D: conv2d,
  MaxPooling2D: pooling('MaxPool'),
  AveragePooling2D: pooling('AveragePool'),
  Dense: dense,
  BatchNormalization: batchNormalization,
  Activation: activation,
  Dropout: identity,
  SpatialDropout1D: identity,
  GaussianNoise: identity,
  Flatten: flatten,
  Reshape: reshape,
  Permute: permute,
  RepeatVector: repeatVector,
  Concatenate: concatenate,
  Add: elementwise('Add'),
  Multiply: elementwise('Mul'),
  Subtract: elementwise('Sub'),
  Maximum: elementwise('Max'),
  Minimum: elementwise('Min'),
  Average: elementwise('Mean'),
  GRU: ({ graph, layer, config, inputs, outputShape }) => convertGru(graph, layer, config, toPlain(graph, inputs[0], layer.name), outputShape),
};
