/** Analytic test signals. */
export function sine(freq: number, seconds: number, sr = 22050, amp = 0.5): Float32Array {
  const n = Math.round(seconds * sr);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) y[i] = amp * Math.sin((2 * Math.PI * freq * i) / sr);
  return y;
}

/** Deterministic white noise in [-amp, amp) (a small LCG, so tests are repeatable). */
export function whiteNoise(n: number, amp = 0.5, seed = 12345): Float32Array {
  const y = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    y[i] = amp * (2 * (s / 4294967296) - 1);
  }
  return y;
}
