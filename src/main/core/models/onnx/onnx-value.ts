import type { OnnxGraph } from './onnx-graph.ts';

/**
 * A tensor of the tfjs model as it exists in the ONNX graph. `shape` is the tfjs shape (channels last, null
 * batch). Rank-4 image tensors are kept channels first in ONNX (`nchw`), which is what ONNX Conv and pooling
 * take; everything else is stored exactly as tfjs lays it out.
 */
export interface OnnxValue {
  name: string;
  shape: (number | null)[];
  nchw: boolean;
}

/** The value channels first (NCHW), transposing a channels-last rank-4 tensor if needed. */
export function toNchw(graph: OnnxGraph, v: OnnxValue, base: string): OnnxValue {
  if (v.nchw) return v;
  if (v.shape.length !== 4) throw new Error(`${base}: expected a rank-4 image tensor, got shape [${v.shape.join(', ')}]`);
  const [name] = graph.node('Transpose', [v.name], `${base}/to_nchw`, { perm: [0, 3, 1, 2] });
  return { name, shape: v.shape, nchw: true };
}

/** The value in tfjs layout (channels last), transposing back from NCHW if needed. */
export function toPlain(graph: OnnxGraph, v: OnnxValue, base: string): OnnxValue {
  if (!v.nchw) return v;
  const [name] = graph.node('Transpose', [v.name], `${base}/to_nhwc`, { perm: [0, 2, 3, 1] });
  return { name, shape: v.shape, nchw: false };
}

/** A tfjs (NHWC) axis of a rank-4 tensor, as the axis of its NCHW layout. */
export function nchwAxis(axis: number): number {
  return [0, 2, 3, 1][axis < 0 ? axis + 4 : axis];
}
