import type { Spectrogram } from './spectrogram.ts';
import { fftFrequencies } from './stft.ts';

export interface MelOptions {
  nMels?: number;
  fmin?: number;
  /** Default sr / 2. */
  fmax?: number;
  /** HTK formula instead of Slaney's (librosa's default is Slaney). */
  htk?: boolean;
  /** 'slaney' divides each triangle by its width in Hz (area normalisation, librosa's default); null: peak 1. */
  norm?: 'slaney' | null;
}

/** Hz to mel (librosa.hz_to_mel): Slaney's linear-below-1 kHz, log-above scale, or HTK's 2595 log10(1 + f/700). */
export function hzToMel(f: number, htk = false): number {
  if (htk) return 2595 * Math.log10(1 + f / 700);
  const fSp = 200 / 3;
  const minLogHz = 1000;
  const minLogMel = minLogHz / fSp;
  const logstep = Math.log(6.4) / 27;
  return f >= minLogHz ? minLogMel + Math.log(f / minLogHz) / logstep : f / fSp;
}

export function melToHz(m: number, htk = false): number {
  if (htk) return 700 * (10 ** (m / 2595) - 1);
  const fSp = 200 / 3;
  const minLogHz = 1000;
  const minLogMel = minLogHz / fSp;
  const logstep = Math.log(6.4) / 27;
  return m >= minLogMel ? minLogHz * Math.exp(logstep * (m - minLogMel)) : fSp * m;
}

/** librosa.mel_frequencies: n points evenly spaced in mel between fmin and fmax, in Hz. */
export function melFrequencies(n: number, fmin: number, fmax: number, htk = false): Float64Array {
  const lo = hzToMel(fmin, htk);
  const hi = hzToMel(fmax, htk);
  const out = new Float64Array(n);
  // numpy.linspace: start + i * step, with the last point exactly stop.
  const step = n > 1 ? (hi - lo) / (n - 1) : 0;
  for (let i = 0; i < n; i++) out[i] = melToHz(i === n - 1 && n > 1 ? hi : lo + i * step, htk);
  return out;
}

/** A mel filterbank: weights (nMels x bins, float32 like librosa's) with each band's non-zero bin range. */
export interface MelFilterbank {
  nMels: number;
  bins: number;
  weights: Float32Array;
  start: Int32Array;
  end: Int32Array;
}

/** librosa.filters.mel (0.8 defaults: 128 bands, Slaney scale, Slaney area normalisation). */
export function melFilterbank(sr: number, nFft: number, options: MelOptions = {}): MelFilterbank {
  const nMels = options.nMels ?? 128;
  const fmin = options.fmin ?? 0;
  const fmax = options.fmax ?? sr / 2;
  const htk = options.htk ?? false;
  const norm = options.norm === undefined ? 'slaney' : options.norm;
  const freqs = fftFrequencies(sr, nFft);
  const bins = freqs.length;
  const melF = melFrequencies(nMels + 2, fmin, fmax, htk);
  const weights = new Float32Array(nMels * bins);
  const start = new Int32Array(nMels);
  const end = new Int32Array(nMels);
  for (let m = 0; m < nMels; m++) {
    const fdLo = melF[m + 1] - melF[m];
    const fdHi = melF[m + 2] - melF[m + 1];
    const enorm = norm === 'slaney' ? 2 / (melF[m + 2] - melF[m]) : 1;
    let first = -1;
    let last = -1;
    for (let k = 0; k < bins; k++) {
      const lower = -(melF[m] - freqs[k]) / fdLo;
      const upper = (melF[m + 2] - freqs[k]) / fdHi;
      const w = Math.max(0, Math.min(lower, upper));
      if (w > 0) {
        weights[m * bins + k] = w * enorm;
        if (first < 0) first = k;
        last = k;
      }
    }
    start[m] = first < 0 ? 0 : first;
    end[m] = first < 0 ? 0 : last + 1;
  }
  return { nMels, bins, weights, start, end };
}

const cache = new Map<string, MelFilterbank>();

export function cachedMelFilterbank(sr: number, nFft: number, options: MelOptions = {}): MelFilterbank {
  const key = JSON.stringify([sr, nFft, options.nMels ?? 128, options.fmin ?? 0, options.fmax ?? sr / 2, options.htk ?? false, options.norm === undefined ? 'slaney' : options.norm]);
  let fb = cache.get(key);
  if (!fb) {
    fb = melFilterbank(sr, nFft, options);
    cache.set(key, fb);
  }
  return fb;
}

/**
 * One frame of applyMel: band m of the frame at src[srcOffset ..] goes to dst[dstOffset + m]
 * (float64 accumulation, rounded once on the float32 store).
 */
export function melFrame(fb: MelFilterbank, src: Float32Array, srcOffset: number, dst: Float32Array, dstOffset: number): void {
  const { weights, start, end, nMels, bins } = fb;
  for (let m = 0; m < nMels; m++) {
    let acc = 0;
    const wo = m * bins - srcOffset;
    for (let k = srcOffset + start[m], e = srcOffset + end[m]; k < e; k++) acc += weights[wo + k] * src[k];
    dst[dstOffset + m] = acc;
  }
}

/** Applies a filterbank to a (power) spectrogram: librosa.feature.melspectrogram(S=...). */
export function applyMel(S: Spectrogram, fb: MelFilterbank): Spectrogram {
  if (S.bins !== fb.bins) throw new RangeError(`Spectrogram has ${S.bins} bins, filterbank expects ${fb.bins}`);
  const out = new Float32Array(fb.nMels * S.frames);
  for (let t = 0; t < S.frames; t++) melFrame(fb, S.data, t * fb.bins, out, t * fb.nMels);
  return { bins: fb.nMels, frames: S.frames, data: out };
}
