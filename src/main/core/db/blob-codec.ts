/**
 * Compact binary forms of the numbers stored per track: float32 vectors (clip features, probability vectors,
 * segment start times) as little-endian bytes, and probability rows quantised to one byte per class.
 */

export function float32Blob(values: ArrayLike<number>): Buffer {
  const out = Buffer.alloc(values.length * 4);
  for (let i = 0; i < values.length; i++) out.writeFloatLE(values[i], i * 4);
  return out;
}

export function readFloat32Blob(blob: Uint8Array): Float32Array {
  if (blob.byteLength % 4 !== 0) throw new Error(`A float32 block of ${blob.byteLength} bytes is corrupt`);
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const out = new Float32Array(blob.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/**
 * Quantises rows of k probabilities to bytes that sum to exactly 255 per row (largest-remainder rounding), so a
 * decoded row still sums to 1 and no class gains or loses more than 1/255.
 */
export function quantizeProbabilityRows(probabilities: ArrayLike<number>, k: number): Buffer {
  if (k <= 0 || probabilities.length % k !== 0) throw new Error(`${probabilities.length} probabilities are not rows of ${k}`);
  const n = probabilities.length / k;
  const out = Buffer.alloc(n * k);
  const scaled = new Float64Array(k);
  const order = Array.from({ length: k }, (_, c) => c);
  for (let r = 0; r < n; r++) {
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const p = probabilities[r * k + c];
      scaled[c] = Number.isFinite(p) && p > 0 ? p : 0;
      sum += scaled[c];
    }
    if (sum <= 0) {
      for (let c = 0; c < k; c++) scaled[c] = 1;
      sum = k;
    }
    let used = 0;
    for (let c = 0; c < k; c++) {
      scaled[c] = (scaled[c] / sum) * 255;
      const whole = Math.floor(scaled[c]);
      out[r * k + c] = whole;
      used += whole;
    }
    // Hand the remaining units to the largest fractional parts (ties: lower class index).
    order.sort((a, b) => scaled[b] - Math.floor(scaled[b]) - (scaled[a] - Math.floor(scaled[a])) || a - b);
    for (let i = 0; i < 255 - used; i++) out[r * k + order[i]]++;
  }
  return out;
}

export function readProbabilityRows(blob: Uint8Array): Float32Array {
  const out = new Float32Array(blob.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = blob[i] / 255;
  return out;
}
