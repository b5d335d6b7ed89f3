import { realFft } from './fft.ts';
import type { RealFft } from './fft.ts';
import { cachedHann } from './window.ts';

const TINY_F32 = 1.1754943508222875e-38;

/**
 * The smallest real-FFT size PFFFT accepts (a multiple of 32 whose only prime factors are 2, 3 and 5) that
 * makes the autocorrelation of winLength values linear, not circular: >= 2 winLength - 1 (768 for 344).
 */
export function linearCorrelationSize(winLength: number): number {
  for (let size = 32; ; size += 32) {
    if (size < 2 * winLength - 1) continue;
    let m = size;
    for (const p of [2, 3, 5]) while (m % p === 0) m /= p;
    if (m === 1) return size;
  }
}

/**
 * One frame of librosa's autocorrelation tempogram in float32 (PFFFT, about 3x cheaper than the float64
 * fft.js path of tempogramFrames): the window of onset values Hann-windowed (periodic), autocorrelated through
 * a zero-padded real FFT (|X|^2, then the inverse transform), divided by its largest absolute value.
 * Relative to the float64 computation the values differ by ~1e-6 of the frame's maximum; the clip's tempo,
 * which is compared with librosa's table, keeps the float64 path.
 */
export class TempogramFrameF32 {
  readonly winLength: number;
  private readonly fft: RealFft;
  private readonly window: Float64Array;

  constructor(winLength: number) {
    this.winLength = winLength;
    this.fft = realFft(linearCorrelationSize(winLength));
    this.window = cachedHann(winLength);
  }

  /** Normalised autocorrelation (lags 0 .. winLength-1) of src[srcOffset .. + winLength) into out[outOffset ..]. */
  compute(src: Float32Array, srcOffset: number, out: Float32Array, outOffset: number): void {
    const { fft, window, winLength } = this;
    const n = fft.n;
    const input = fft.inputView();
    for (let i = 0; i < winLength; i++) input[i] = src[srcOffset + i] * window[i];
    input.fill(0, winLength);
    const spec = fft.transformInput(false);
    // |X|^2 as a real, even spectrum in PFFFT's ordered layout (DC, Nyquist, then re / im pairs)
    const dc = spec[0];
    const nyq = spec[1];
    for (let k = 1; k < n / 2; k++) {
      const re = spec[2 * k];
      const im = spec[2 * k + 1];
      input[2 * k] = re * re + im * im;
      input[2 * k + 1] = 0;
    }
    input[0] = dc * dc;
    input[1] = nyq * nyq;
    const ac = fft.transformInput(true); // n times the autocorrelation
    let max = 0;
    for (let i = 0; i < winLength; i++) {
      const a = Math.abs(ac[i]);
      if (a > max) max = a;
    }
    if (max / n < TINY_F32) for (let i = 0; i < winLength; i++) out[outOffset + i] = ac[i] / n;
    else for (let i = 0; i < winLength; i++) out[outOffset + i] = ac[i] / max;
  }
}

/**
 * The time-averaged float32 tempogram of a whole onset envelope, padded as librosa pads it (winLength / 2
 * values each side, a linear ramp to 0 from the edge value).
 */
export function meanTempogramF32(onset: Float32Array, winLength: number): Float64Array {
  const n = onset.length;
  const p = Math.floor(winLength / 2);
  const padded = new Float32Array(n + 2 * p);
  padded.set(onset, p);
  if (n > 0) {
    for (let i = 0; i < p; i++) {
      padded[i] = (onset[0] / p) * i;
      padded[n + 2 * p - 1 - i] = (onset[n - 1] / p) * i;
    }
  }
  const frame = new TempogramFrameF32(winLength);
  const ac = new Float32Array(winLength);
  const mean = new Float64Array(winLength);
  for (let t = 0; t < n; t++) {
    frame.compute(padded, t, ac, 0);
    for (let i = 0; i < winLength; i++) mean[i] += ac[i];
  }
  for (let i = 0; i < winLength; i++) mean[i] /= n;
  return mean;
}
