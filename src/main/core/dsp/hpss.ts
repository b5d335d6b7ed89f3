import { istft } from './istft.ts';
import { slidingMedian } from './median-filter.ts';
import type { Spectrogram } from './spectrogram.ts';
import { stft, stftMagnitude } from './stft.ts';
import type { Stft } from './stft.ts';

const TINY_F32 = 1.1754943508222875e-38;

export interface HpssOptions {
  /** Median filter length, frames for the harmonic part and bins for the percussive part (default 31). */
  kernelSize?: number;
  /** Soft-mask exponent (default 2). */
  power?: number;
  /** Separation margin (default 1: the masks sum to 1). */
  margin?: number;
}

/** Harmonic and percussive soft masks, frame-major like the spectrogram they were made from. */
export interface HpssMasks {
  bins: number;
  frames: number;
  harmonic: Float32Array;
  percussive: Float32Array;
}

/**
 * librosa.decompose.hpss (Fitzgerald 2010, soft masks as in Driedger 2014): median filter the magnitude
 * along time (harmonic) and along frequency (percussive) with scipy's 'reflect' boundary, then soft masks
 * (X / Z)^p / ((X / Z)^p + (R / Z)^p), Z = max(X, R); where both are ~0 the masks split 0.5 / 0.5 (margin 1).
 */
export function hpssMasks(magnitude: Spectrogram, options: HpssOptions = {}): HpssMasks {
  const width = options.kernelSize ?? 31;
  const power = options.power ?? 2;
  const margin = options.margin ?? 1;
  const { bins, frames, data } = magnitude;
  const harm = new Float32Array(data.length);
  const perc = new Float32Array(data.length);
  for (let k = 0; k < bins; k++) slidingMedian(data, harm, frames, width, k, bins);
  for (let t = 0; t < frames; t++) slidingMedian(data, perc, bins, width, t * bins, 1);
  const splitZeros = margin === 1;
  const softmask = (x: number, ref: number): number => {
    const z = Math.max(x, ref);
    if (z < TINY_F32) return splitZeros ? 0.5 : 0;
    const xs = x / z;
    const rs = ref / z;
    const a = power === 2 ? xs * xs : xs ** power;
    const r = power === 2 ? rs * rs : rs ** power;
    return a / (a + r);
  };
  // The masks overwrite the filtered magnitudes in place (each index is read before it is written).
  for (let i = 0; i < data.length; i++) {
    const h = harm[i];
    const p = perc[i];
    harm[i] = softmask(h, p * margin); // mask_harm = softmask(H, P * margin)
    perc[i] = softmask(p, h * margin); // mask_perc = softmask(P, H * margin)
  }
  return { bins, frames, harmonic: harm, percussive: perc };
}

export interface HpssWaveforms {
  harmonic: Float32Array;
  percussive: Float32Array;
}

/**
 * librosa.effects.hpss: STFT (2048 / 512 by default, or the one given), masks, inverse STFT of the masked
 * spectra, each fixed to the input's length (librosa.util.fix_length: zero-padded at the end).
 */
export function hpssWaveforms(y: Float32Array, options: HpssOptions & { stft?: Stft; magnitude?: Spectrogram } = {}): HpssWaveforms {
  const D = options.stft ?? stft(y);
  const mag = options.magnitude ?? stftMagnitude(D, 1);
  const masks = hpssMasks(mag, options);
  const apply = (mask: Float32Array) => (t: number, re: Float32Array, im: Float32Array, offset: number, out: { re: Float32Array; im: Float32Array }): void => {
    for (let k = 0; k < D.bins; k++) {
      const m = mask[t * D.bins + k];
      out.re[k] = re[offset + k] * m;
      out.im[k] = im[offset + k] * m;
    }
  };
  const harmonic = istft(D, { length: y.length, mask: apply(masks.harmonic) });
  // The masks sum to 1 (margin 1), so the percussive part is the input minus the harmonic part over the span
  // the inverse STFT covers (one inverse transform instead of two); librosa zero-pads beyond that span.
  if ((options.margin ?? 1) === 1 && D.frames > 0 && D.hop === Math.floor(D.nFft / 4)) {
    const covered = Math.min(y.length, D.hop * (D.frames - 1));
    const percussive = new Float32Array(y.length);
    for (let i = 0; i < covered; i++) percussive[i] = y[i] - harmonic[i];
    return { harmonic, percussive };
  }
  return { harmonic, percussive: istft(D, { length: y.length, mask: apply(masks.percussive) }) };
}
