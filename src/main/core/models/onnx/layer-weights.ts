type Layer = import('@tensorflow/tfjs').layers.Layer;

/** A layer's weight by its short name ('kernel', 'bias', 'gamma', …) as row-major values and its shape. */
export function layerWeight(layer: Layer, short: string): { data: Float32Array; shape: number[] } | null {
  const index = layer.weights.findIndex((w) => (w.originalName ?? w.name).split('/').pop() === short || w.name.split('/').pop()?.replace(/_\d+$/, '') === short);
  if (index < 0) return null;
  const tensor = layer.getWeights()[index];
  return { data: tensor.dataSync() as Float32Array, shape: tensor.shape };
}

export function requireWeight(layer: Layer, short: string): { data: Float32Array; shape: number[] } {
  const w = layerWeight(layer, short);
  if (!w) throw new Error(`Layer ${layer.name} has no weight named ${short}`);
  return w;
}

/** Permutes a row-major tensor: out[i_perm[0], …] = in[i_0, …] the way numpy.transpose(x, perm) does. */
export function transposeData(data: Float32Array, shape: number[], perm: number[]): { data: Float32Array; shape: number[] } {
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p]);
  const inStrides = new Array<number>(rank);
  inStrides[rank - 1] = 1;
  for (let i = rank - 2; i >= 0; i--) inStrides[i] = inStrides[i + 1] * shape[i + 1];
  const strides = perm.map((p) => inStrides[p]);
  const out = new Float32Array(data.length);
  const index = new Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let offset = 0;
    for (let d = 0; d < rank; d++) offset += index[d] * strides[d];
    out[o] = data[offset];
    for (let d = rank - 1; d >= 0; d--) {
      if (++index[d] < outShape[d]) break;
      index[d] = 0;
    }
  }
  return { data: out, shape: outShape };
}
