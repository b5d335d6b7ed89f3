/**
 * tf.tile into `out` (row-major): out.shape[k] = shape[k] * reps[k]. Built from the innermost axis outwards, each
 * block copied with copyWithin in doubling steps, so the work is a few memory copies of the output.
 *
 * tfjs-backend-wasm's own Tile computes every output index separately; the gradient of batch normalisation tiles
 * each [1, 1, 1, C] statistic to the whole activation ([32, 128, 130, 16] for the MLFI's first block), where it
 * took a third of an MLFI training step.
 */
export function tile(x: ArrayLike<number>, shape: readonly number[], reps: readonly number[], out: Float32Array | Int32Array | Uint8Array): void {
  const rank = shape.length;
  if (rank === 0) {
    if (out.length > 0) out[0] = x[0];
    return;
  }
  const outShape = shape.map((s, k) => s * reps[k]);
  if (outShape.some((s) => s === 0)) return;
  const xStride = new Array<number>(rank);
  const outStride = new Array<number>(rank);
  xStride[rank - 1] = 1;
  outStride[rank - 1] = 1;
  for (let k = rank - 2; k >= 0; k--) {
    xStride[k] = xStride[k + 1] * shape[k + 1];
    outStride[k] = outStride[k + 1] * outShape[k + 1];
  }
  const repeat = (start: number, length: number, times: number): void => {
    // [start, start + length) holds one copy; make `times` copies back to back.
    let filled = length;
    const total = length * times;
    while (filled < total) {
      const n = Math.min(filled, total - filled);
      out.copyWithin(start + filled, start, start + n);
      filled += n;
    }
  };
  const fill = (axis: number, xOffset: number, outOffset: number): void => {
    if (axis === rank - 1) {
      for (let i = 0; i < shape[axis]; i++) out[outOffset + i] = x[xOffset + i];
    } else {
      for (let i = 0; i < shape[axis]; i++) fill(axis + 1, xOffset + i * xStride[axis], outOffset + i * outStride[axis]);
    }
    const block = shape[axis] * outStride[axis];
    if (reps[axis] > 1) repeat(outOffset, block, reps[axis]);
  };
  fill(0, 0, 0);
}
