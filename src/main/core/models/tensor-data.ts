/** A dense float tensor in row-major order: how tensors cross module, worker and runtime boundaries. */
export interface TensorData {
  data: Float32Array;
  shape: number[];
}

export function tensorData(data: Float32Array, shape: number[]): TensorData {
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== data.length) throw new Error(`A tensor of shape [${shape.join(', ')}] needs ${size} values, got ${data.length}`);
  return { data, shape };
}

/** Checks a tensor against an expected shape where `-1` (the batch) is free; returns the batch size. */
export function checkShape(name: string, t: TensorData, expected: readonly number[]): number {
  const ok = t.shape.length === expected.length && expected.every((d, i) => d < 0 || d === t.shape[i]);
  if (!ok) throw new Error(`${name} must have shape [${expected.map((d) => (d < 0 ? 'n' : d)).join(', ')}], got [${t.shape.join(', ')}]`);
  if (t.data.length !== t.shape.reduce((a, b) => a * b, 1)) throw new Error(`${name}: ${t.data.length} values do not fill shape [${t.shape.join(', ')}]`);
  return t.shape[0];
}
