import { onnxMessage } from './onnx-schema.ts';
import type { OnnxModel } from '../runtime/onnx-session.ts';
import type { TensorData } from '../tensor-data.ts';

/**
 * Post-training int8 quantisation of the convolutions that cost a CNN its time, in ONNX's QDQ form: each chosen
 * Conv reads its input through QuantizeLinear / DequantizeLinear (uint8, zero point 0), its weights as int8 per
 * output channel, its bias as int32, and writes uint8 (zero point 0) through a QuantizeLinear that replaces its ReLU
 * (a zero point of 0 clamps the negatives exactly as the ReLU did). onnxruntime fuses each such group into one
 * QLinearConv, whose int8 arithmetic runs the Dong CNN's second convolution (126 M multiply-adds per segment)
 * three to four times faster than float on the CPU. Everything else stays float.
 *
 * Chosen: a Conv with constant weights of at least MIN_INPUT_CHANNELS input channels, whose only consumer is a
 * ReLU (or a BatchNormalization whose only consumer is a ReLU: the normalisation is folded into the weights and
 * bias) and whose input cannot be negative (made by a ReLU, or a MaxPool or AveragePool of one): both sides then
 * fit uint8 with no zero point. Scales come from calibration batches (the largest value seen on each side), so
 * nothing seen is clipped.
 */

const MIN_INPUT_CHANNELS = 8;
const FLOAT = 1;
const UINT8 = 2;
const INT8 = 3;
const INT32 = 6;

interface Node {
  name: string;
  op_type: string;
  input: string[];
  output: string[];
  attribute?: { name: string; type: number; i?: number; ints?: number[] }[];
  domain?: string;
}
interface Tensor {
  name: string;
  dims: number[];
  data_type: number;
  raw_data: Uint8Array;
}
interface ValueInfo {
  name: string;
  type: { tensor_type: { elem_type: number; shape?: unknown } };
}
interface Model {
  graph: { node: Node[]; initializer: Tensor[]; input: ValueInfo[]; output: ValueInfo[] };
  [k: string]: unknown;
}

/** A convolution chosen for int8, with the values calibration measures around it. */
export interface QuantizableConv {
  conv: string;
  /** A BatchNormalization between the Conv and its ReLU, folded into the Conv. */
  batchNorm: string | null;
  /** The value it reads (non-negative) and the ReLU's output that it becomes. */
  input: string;
  relu: string;
}

export interface ConvRange extends QuantizableConv {
  inputMax: number;
  outputMax: number;
}

function decode(bytes: Uint8Array): Model {
  const type = onnxMessage('ModelProto');
  return type.toObject(type.decode(bytes), { longs: Number, arrays: true }) as Model;
}

function encode(model: Model): Uint8Array {
  const type = onnxMessage('ModelProto');
  return type.encode(type.fromObject(model)).finish();
}

function floats(t: Tensor): Float32Array {
  if (t.data_type !== FLOAT) throw new Error(`${t.name}: not a float tensor`);
  const copy = new Uint8Array(t.raw_data);
  return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
}

/** The convolutions of a float ONNX model that quantiseConvs can make int8 (see the file's comment). */
export function quantizableConvs(bytes: Uint8Array): QuantizableConv[] {
  const { graph } = decode(bytes);
  const producer = new Map<string, Node>();
  const consumers = new Map<string, Node[]>();
  for (const n of graph.node) {
    for (const o of n.output) producer.set(o, n);
    for (const i of n.input) consumers.set(i, [...(consumers.get(i) ?? []), n]);
  }
  const weights = new Map(graph.initializer.map((t) => [t.name, t]));
  const nonNegative = (value: string): boolean => {
    const p = producer.get(value);
    if (!p) return false;
    if (p.op_type === 'Relu') return true;
    return (p.op_type === 'MaxPool' || p.op_type === 'AveragePool') && producer.get(p.input[0])?.op_type === 'Relu';
  };
  const out: QuantizableConv[] = [];
  for (const n of graph.node) {
    if (n.op_type !== 'Conv' || (n.attribute ?? []).some((a) => a.name === 'group' && (a.i ?? 1) !== 1)) continue;
    const w = weights.get(n.input[1]);
    if (!w || w.dims.length !== 4 || w.dims[1] < MIN_INPUT_CHANNELS || w.data_type !== FLOAT) continue;
    if (n.input[2] && !weights.has(n.input[2])) continue;
    let users = consumers.get(n.output[0]) ?? [];
    let batchNorm: Node | null = null;
    if (users.length === 1 && users[0].op_type === 'BatchNormalization' && users[0].input.slice(1).every((i) => weights.has(i))) {
      batchNorm = users[0];
      users = consumers.get(batchNorm.output[0]) ?? [];
    }
    if (users.length !== 1 || users[0].op_type !== 'Relu') continue;
    if (!nonNegative(n.input[0])) continue;
    out.push({ conv: n.name, batchNorm: batchNorm?.name ?? null, input: n.input[0], relu: users[0].output[0] });
  }
  return out;
}

/** The same model with `values` as extra float outputs (to measure them on calibration batches). */
function withOutputs(bytes: Uint8Array, values: string[]): Uint8Array {
  const model = decode(bytes);
  for (const v of values) model.graph.output.push({ name: v, type: { tensor_type: { elem_type: FLOAT } } });
  return encode(model);
}

/**
 * Runs the float model on the calibration batches and records, for each chosen convolution, the largest value it
 * reads and the largest its ReLU writes.
 */
export async function calibrateConvs(
  bytes: Uint8Array,
  convs: readonly QuantizableConv[],
  batches: readonly Record<string, TensorData>[],
  open: (model: Uint8Array) => Promise<OnnxModel>,
): Promise<ConvRange[]> {
  const names = [...new Set(convs.flatMap((c) => [c.input, c.relu]))];
  const probe = await open(withOutputs(bytes, names));
  const max = new Map(names.map((n) => [n, 0]));
  try {
    for (const batch of batches) {
      const values = await probe.runOutputs(batch, names);
      for (const n of names) {
        let m = max.get(n)!;
        for (const v of values[n].data) if (v > m) m = v;
        max.set(n, m);
      }
    }
  } finally {
    await probe.close();
  }
  return convs.map((c) => ({ ...c, inputMax: max.get(c.input)!, outputMax: max.get(c.relu)! }));
}

/** The model with each calibrated convolution in int8 (QDQ form), every other node as it was. */
export function quantizeConvs(bytes: Uint8Array, ranges: readonly ConvRange[]): Uint8Array {
  const model = decode(bytes);
  const { graph } = model;
  const weights = new Map(graph.initializer.map((t) => [t.name, t]));
  const used = new Set([...graph.node.flatMap((n) => [...n.input, ...n.output]), ...graph.initializer.map((t) => t.name)]);
  const unique = (base: string): string => {
    let name = base;
    for (let i = 1; used.has(name); i++) name = `${base}_${i}`;
    used.add(name);
    return name;
  };
  const addTensor = (base: string, dataType: number, dims: number[], data: ArrayBufferView): string => {
    const name = unique(base);
    graph.initializer.push({ name, dims, data_type: dataType, raw_data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice() });
    return name;
  };
  const node = (op: string, inputs: string[], base: string, attribute: Node['attribute'] = []): { node: Node; output: string } => {
    const output = unique(`${base}/${op.toLowerCase()}`);
    return { node: { name: unique(`${base}/${op}`), op_type: op, input: inputs, output: [output], attribute }, output };
  };
  const nodes: Node[] = [];
  const replaced = new Map<string, string>();
  const byConv = new Map(ranges.map((r) => [r.conv, r]));
  const drop = new Set(ranges.map((r) => r.relu));
  const folded = new Map(ranges.filter((r) => r.batchNorm).map((r) => [r.batchNorm!, r]));
  const batchNorms = new Map(graph.node.filter((n) => folded.has(n.name)).map((n) => [n.name, n]));
  for (const n of graph.node) {
    if (n.op_type === 'Relu' && drop.has(n.output[0])) continue; // folded into its convolution's QuantizeLinear
    if (folded.has(n.name)) continue; // folded into its convolution's weights
    const r = byConv.get(n.name);
    if (!r) {
      nodes.push({ ...n, input: n.input.map((i) => replaced.get(i) ?? i) });
      continue;
    }
    if (!(r.inputMax > 0) || !(r.outputMax > 0)) throw new Error(`${n.name}: calibration saw no positive values`);
    const base = n.name.replace(/\/Conv$/, '');
    const w = weights.get(n.input[1])!;
    const [k] = w.dims;
    const perChannel = w.dims[1] * w.dims[2] * w.dims[3];
    const wf = floats(w);
    let bias = n.input[2] ? floats(weights.get(n.input[2])!) : null;
    if (r.batchNorm) {
      // y = gamma (conv - mean) / sqrt(var + eps) + beta: per output channel a scale of the weights and a bias
      const bn = batchNorms.get(r.batchNorm)!;
      const [gamma, beta, mean, variance] = bn.input.slice(1).map((i) => floats(weights.get(i)!));
      const epsilon = (bn.attribute ?? []).find((a) => a.name === 'epsilon') as { f?: number } | undefined;
      const eps = epsilon?.f ?? 1e-5;
      const scaled = new Float32Array(wf.length);
      const b = new Float32Array(k);
      for (let c = 0; c < k; c++) {
        const scale = gamma[c] / Math.sqrt(variance[c] + eps);
        for (let i = 0; i < perChannel; i++) scaled[c * perChannel + i] = wf[c * perChannel + i] * scale;
        b[c] = ((bias?.[c] ?? 0) - mean[c]) * scale + beta[c];
      }
      wf.set(scaled);
      bias = b;
    }
    const sx = r.inputMax / 255;
    const sy = r.outputMax / 255;
    const sw = new Float32Array(k);
    const wq = new Int8Array(wf.length);
    for (let c = 0; c < k; c++) {
      let m = 0;
      for (let i = 0; i < perChannel; i++) m = Math.max(m, Math.abs(wf[c * perChannel + i]));
      sw[c] = m > 0 ? m / 127 : 1;
      for (let i = 0; i < perChannel; i++) wq[c * perChannel + i] = Math.max(-127, Math.min(127, Math.round(wf[c * perChannel + i] / sw[c])));
    }
    const zeroU8 = addTensor(`${base}/zero_u8`, UINT8, [], new Uint8Array(1));
    const xScale = addTensor(`${base}/input_scale`, FLOAT, [], Float32Array.of(sx));
    const qx = node('QuantizeLinear', [replaced.get(n.input[0]) ?? n.input[0], xScale, zeroU8], `${base}/input`);
    const dqx = node('DequantizeLinear', [qx.output, xScale, zeroU8], `${base}/input`);
    const axis0 = [{ name: 'axis', type: 2, i: 0 }];
    const dqw = node(
      'DequantizeLinear',
      [addTensor(`${base}/kernel_int8`, INT8, w.dims, wq), addTensor(`${base}/kernel_scale`, FLOAT, [k], sw), addTensor(`${base}/kernel_zero`, INT8, [k], new Int8Array(k))],
      `${base}/kernel`,
      axis0,
    );
    const convInputs = [dqx.output, dqw.output];
    const extra: Node[] = [];
    if (bias) {
      const bf = bias;
      const sb = Float32Array.from(sw, (s) => s * sx);
      const bq = Int32Array.from(bf, (b, c) => Math.round(b / sb[c]));
      const dqb = node(
        'DequantizeLinear',
        [addTensor(`${base}/bias_int32`, INT32, [k], bq), addTensor(`${base}/bias_scale`, FLOAT, [k], sb), addTensor(`${base}/bias_zero`, INT32, [k], new Int32Array(k))],
        `${base}/bias`,
        axis0,
      );
      extra.push(dqb.node);
      convInputs.push(dqb.output);
    }
    const conv = { ...n, input: convInputs, output: [n.output[0]] };
    const yScale = addTensor(`${base}/output_scale`, FLOAT, [], Float32Array.of(sy));
    const qy = node('QuantizeLinear', [n.output[0], yScale, zeroU8], `${base}/output`);
    const dqy = node('DequantizeLinear', [qy.output, yScale, zeroU8], `${base}/output`);
    nodes.push(qx.node, dqx.node, dqw.node, ...extra, conv, qy.node, dqy.node);
    replaced.set(r.relu, dqy.output);
  }
  graph.node = nodes;
  graph.output = graph.output.map((o) => ({ ...o, name: replaced.get(o.name) ?? o.name }));
  // the float weights of the quantised convolutions are no longer read
  const read = new Set(nodes.flatMap((n) => n.input));
  graph.initializer = graph.initializer.filter((t) => read.has(t.name));
  return encode(model);
}
