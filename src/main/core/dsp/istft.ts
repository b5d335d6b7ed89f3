import { realFft } from './fft.ts';
import type { Stft } from './stft.ts';
import { cachedHann } from './window.ts';

const TINY_F32 = 1.1754943508222875e-38;

export interface IstftOptions {
  center?: boolean;
  /** Output length: trimmed or zero-padded to it (librosa.util.fix_length); default the natural length. */
  length?: number;
  /**
   * Multiplies bin k of frame t by this before inverting (e.g. an HPSS soft mask), so a masked copy of the
   * STFT never has to be stored.
   */
  mask?: (frame: number, re: Float32Array, im: Float32Array, offset: number, out: { re: Float32Array; im: Float32Array }) => void;
}

/**
 * librosa.istft (0.8): inverse FFT of each frame, periodic Hann synthesis window, overlap-add, division by the
 * window's summed squares where it is above float32's tiny, then the centre padding removed.
 */
export function istft(s: Stft, options: IstftOptions = {}): Float32Array {
  const { nFft, hop, bins, frames } = s;
  const center = options.center ?? true;
  const w = cachedHann(nFft);
  const fft = realFft(nFft);
  const total = nFft + hop * (frames - 1);
  const y = new Float64Array(Math.max(0, total));
  const wss = new Float64Array(y.length);
  const frame = new Float32Array(nFft);
  const tmp = { re: new Float32Array(bins), im: new Float32Array(bins) };
  for (let t = 0; t < frames; t++) {
    if (options.mask) {
      options.mask(t, s.re, s.im, t * bins, tmp);
      fft.inverse(tmp.re, tmp.im, 0, frame);
    } else {
      fft.inverse(s.re, s.im, t * bins, frame);
    }
    const o = t * hop;
    for (let i = 0; i < nFft; i++) {
      y[o + i] += frame[i] * w[i];
      wss[o + i] += w[i] * w[i];
    }
  }
  for (let i = 0; i < y.length; i++) if (wss[i] > TINY_F32) y[i] /= wss[i];
  const start = center ? Math.floor(nFft / 2) : 0;
  const natural = center ? Math.max(0, y.length - 2 * start) : y.length;
  const length = options.length ?? natural;
  const out = new Float32Array(length);
  const n = Math.min(length, natural);
  for (let i = 0; i < n; i++) out[i] = y[start + i];
  return out;
}
