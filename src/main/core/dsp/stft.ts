import { realFft } from './fft.ts';
import { pad1d } from './pad.ts';
import type { PadMode } from './pad.ts';
import type { Spectrogram } from './spectrogram.ts';
import { cachedHann } from './window.ts';

export interface StftOptions {
  /** FFT size (default 2048). */
  nFft?: number;
  /** Hop between frames (default nFft / 4, librosa's default). */
  hop?: number;
  /** Centre frames on t * hop by padding nFft / 2 on both sides (default true). */
  center?: boolean;
  /** Padding when centred: 'reflect' in librosa <= 0.9 (the GTZAN table's era), 'constant' from 0.10. */
  padMode?: PadMode;
}

/** A complex STFT, frame-major: bin k of frame t is (re, im)[t * bins + k]. */
export interface Stft {
  nFft: number;
  hop: number;
  bins: number;
  frames: number;
  re: Float32Array;
  im: Float32Array;
}

export function resolveStftOptions(o: StftOptions = {}): Required<StftOptions> {
  const nFft = o.nFft ?? 2048;
  return { nFft, hop: o.hop ?? Math.floor(nFft / 4), center: o.center ?? true, padMode: o.padMode ?? 'reflect' };
}

/** Number of frames librosa's stft produces for a signal of n samples. */
export function stftFrameCount(n: number, options: StftOptions = {}): number {
  const { nFft, hop, center } = resolveStftOptions(options);
  const len = center ? n + 2 * Math.floor(nFft / 2) : n;
  return len < nFft ? 0 : 1 + Math.floor((len - nFft) / hop);
}

/** librosa.stft: periodic Hann window, centred frames with reflect padding by default. */
export function stft(y: Float32Array, options: StftOptions = {}): Stft {
  const { nFft, hop, center, padMode } = resolveStftOptions(options);
  const half = Math.floor(nFft / 2);
  const x = center ? pad1d(y, half, half, padMode) : y;
  const frames = x.length < nFft ? 0 : 1 + Math.floor((x.length - nFft) / hop);
  const bins = half + 1;
  const re = new Float32Array(bins * frames);
  const im = new Float32Array(bins * frames);
  const fft = realFft(nFft);
  const w = cachedHann(nFft);
  for (let t = 0; t < frames; t++) {
    const input = fft.inputView();
    const s = t * hop;
    for (let i = 0; i < nFft; i++) input[i] = x[s + i] * w[i];
    fft.forwardFromInput(re, im, t * bins);
  }
  return { nFft, hop, bins, frames, re, im };
}

/** |STFT|^power as a Spectrogram (power 1: magnitude, 2: power). */
export function stftMagnitude(s: Stft, power = 1): Spectrogram {
  const data = new Float32Array(s.re.length);
  const { re, im } = s;
  if (power === 2) for (let i = 0; i < data.length; i++) data[i] = re[i] * re[i] + im[i] * im[i];
  else if (power === 1) for (let i = 0; i < data.length; i++) data[i] = Math.sqrt(re[i] * re[i] + im[i] * im[i]);
  else for (let i = 0; i < data.length; i++) data[i] = Math.pow(Math.sqrt(re[i] * re[i] + im[i] * im[i]), power);
  return { bins: s.bins, frames: s.frames, data };
}

/** Frequencies of the STFT bins (librosa.fft_frequencies). */
export function fftFrequencies(sr: number, nFft: number): Float64Array {
  const bins = Math.floor(nFft / 2) + 1;
  const f = new Float64Array(bins);
  for (let k = 0; k < bins; k++) f[k] = (k * sr) / nFft;
  return f;
}
