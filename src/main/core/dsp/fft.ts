import PFFFT from '@echogarden/pffft-wasm/simd';
import type { PffftModule } from '@echogarden/pffft-wasm/simd';

// PFFFT compiled to WASM with SIMD: measured here at about 4x fft.js for 2048-point real transforms
// (10336 frames, a 4-minute STFT: 36-42 ms vs 150-155 ms). It computes in float32, as librosa stores its
// STFT (complex64); the few float64 transforms (tempogram autocorrelation) use fft-f64.ts.
const wasm: PffftModule = await PFFFT();

const PFFFT_REAL = 0;
const FORWARD = 0;
const BACKWARD = 1;

/**
 * A real FFT of one size (a multiple of 32). Spectra are split into re/im arrays of n/2 + 1 bins; the inverse
 * is scaled by 1/n so inverse(forward(x)) = x, like numpy's irfft.
 */
export class RealFft {
  readonly n: number;
  readonly bins: number;
  private readonly setup: number;
  private readonly input: number;
  private readonly output: number;
  private readonly work: number;

  constructor(n: number) {
    if (n < 32 || n % 32 !== 0) throw new RangeError(`FFT size must be a multiple of 32 (got ${n})`);
    this.n = n;
    this.bins = n / 2 + 1;
    this.setup = wasm._pffft_new_setup(n, PFFFT_REAL);
    this.input = wasm._pffft_aligned_malloc(n * 4);
    this.output = wasm._pffft_aligned_malloc(n * 4);
    this.work = wasm._pffft_aligned_malloc(n * 4);
  }

  private inView: Float32Array | null = null;
  private outView: Float32Array | null = null;

  /** The real input buffer (length n) inside WASM memory: fill it, then call forwardFromInput. */
  inputView(): Float32Array {
    // cached; a new view only when the module's memory grew (which detaches the old buffer)
    if (!this.inView || this.inView.buffer !== wasm.HEAPF32.buffer) this.inView = wasm.HEAPF32.subarray(this.input >> 2, (this.input >> 2) + this.n);
    return this.inView;
  }

  /** Transforms what is in inputView() into re/im (bins values each) at the given offset. */
  forwardFromInput(re: Float32Array, im: Float32Array, offset = 0): void {
    wasm._pffft_transform_ordered(this.setup, this.input, this.output, this.work, FORWARD);
    const heap = wasm.HEAPF32;
    const o = this.output >> 2;
    const half = this.n / 2;
    re[offset] = heap[o];
    im[offset] = 0;
    re[offset + half] = heap[o + 1];
    im[offset + half] = 0;
    for (let k = 1; k < half; k++) {
      re[offset + k] = heap[o + 2 * k];
      im[offset + k] = heap[o + 2 * k + 1];
    }
  }

  /**
   * Transforms what is in inputView() (forward, or backward when `inverse`) and returns the raw output view in
   * PFFFT's ordered layout: [DC, Nyquist, re1, im1, re2, im2, ...] for a spectrum; the inverse is unscaled
   * (n times the signal). Valid until the next transform.
   */
  transformInput(inverse = false): Float32Array {
    wasm._pffft_transform_ordered(this.setup, this.input, this.output, this.work, inverse ? BACKWARD : FORWARD);
    if (!this.outView || this.outView.buffer !== wasm.HEAPF32.buffer) this.outView = wasm.HEAPF32.subarray(this.output >> 2, (this.output >> 2) + this.n);
    return this.outView;
  }

  forward(x: Float32Array, re: Float32Array, im: Float32Array, offset = 0): void {
    this.inputView().set(x.subarray(0, this.n));
    this.forwardFromInput(re, im, offset);
  }

  /**
   * Inverse of one spectrum (bins values from offset) into out (length n), scaled by 1/n. The imaginary parts
   * of the DC and Nyquist bins are ignored, as numpy's irfft does.
   */
  inverse(re: Float32Array, im: Float32Array, offset: number, out: Float32Array): void {
    const heap = wasm.HEAPF32;
    const i = this.input >> 2;
    const half = this.n / 2;
    heap[i] = re[offset];
    heap[i + 1] = re[offset + half];
    for (let k = 1; k < half; k++) {
      heap[i + 2 * k] = re[offset + k];
      heap[i + 2 * k + 1] = im[offset + k];
    }
    wasm._pffft_transform_ordered(this.setup, this.input, this.output, this.work, BACKWARD);
    const h = wasm.HEAPF32;
    const o = this.output >> 2;
    const scale = 1 / this.n;
    for (let t = 0; t < this.n; t++) out[t] = h[o + t] * scale;
  }
}

const cache = new Map<number, RealFft>();

/** A shared RealFft of size n (set-ups are cached: they hold twiddle tables in WASM memory). */
export function realFft(n: number): RealFft {
  let f = cache.get(n);
  if (!f) {
    f = new RealFft(n);
    cache.set(n, f);
  }
  return f;
}
