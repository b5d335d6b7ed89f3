import type { Spectrogram } from './spectrogram.ts';
import { estimateTuning } from './tuning.ts';

export interface ChromaOptions {
  nChroma?: number;
  /** Tuning deviation in fractions of a chroma bin; estimated from S when undefined (librosa's default). */
  tuning?: number;
  ctroct?: number;
  octwidth?: number | null;
  baseC?: boolean;
}

function hzToOcts(f: number, tuning: number, binsPerOctave: number): number {
  const a440 = 440 * 2 ** (tuning / binsPerOctave);
  return Math.log2(f / (a440 / 16));
}

/** librosa.filters.chroma (Ellis' chroma filterbank, L2-normalised columns, octave weighting), nChroma x bins. */
export function chromaFilterbank(sr: number, nFft: number, options: ChromaOptions = {}): Float32Array {
  const nChroma = options.nChroma ?? 12;
  const tuning = options.tuning ?? 0;
  const ctroct = options.ctroct ?? 5;
  const octwidth = options.octwidth === undefined ? 2 : options.octwidth;
  const baseC = options.baseC ?? true;
  const bins = Math.floor(nFft / 2) + 1;
  // frqbins for all nFft bins (librosa computes them over the full FFT, then drops the aliased half).
  const frqbins = new Float64Array(nFft);
  for (let k = 1; k < nFft; k++) frqbins[k] = nChroma * hzToOcts((k * sr) / nFft, tuning, nChroma);
  frqbins[0] = frqbins[1] - 1.5 * nChroma;
  const binwidth = new Float64Array(nFft);
  for (let k = 0; k < nFft - 1; k++) binwidth[k] = Math.max(frqbins[k + 1] - frqbins[k], 1);
  binwidth[nFft - 1] = 1;
  const half = Math.round(nChroma / 2);
  const wts = new Float64Array(nChroma * bins);
  for (let k = 0; k < bins; k++) {
    let norm = 0;
    for (let c = 0; c < nChroma; c++) {
      const D0 = frqbins[k] - c + half + 10 * nChroma;
      // numpy.remainder: result has the sign of the divisor.
      const D = D0 - nChroma * Math.floor(D0 / nChroma) - half;
      const v = Math.exp(-0.5 * ((2 * D) / binwidth[k]) ** 2);
      wts[c * bins + k] = v;
      norm += v * v;
    }
    norm = Math.sqrt(norm);
    const oct = octwidth === null ? 1 : Math.exp(-0.5 * ((frqbins[k] / nChroma - ctroct) / octwidth) ** 2);
    for (let c = 0; c < nChroma; c++) wts[c * bins + k] = norm > 0 ? (wts[c * bins + k] / norm) * oct : 0;
  }
  const out = new Float32Array(nChroma * bins);
  const roll = baseC ? 3 * Math.floor(nChroma / 12) : 0;
  for (let c = 0; c < nChroma; c++) {
    const src = (c + roll) % nChroma; // np.roll(wts, -roll, axis=0)
    for (let k = 0; k < bins; k++) out[c * bins + k] = wts[src * bins + k];
  }
  return out;
}

const fbCache = new Map<string, Float32Array>();

/** The chroma filterbank for these options, cached (it depends on the tuning, so a few variants live at once). */
export function cachedChromaFilterbank(sr: number, nFft: number, options: ChromaOptions): Float32Array {
  const key = JSON.stringify([sr, nFft, options.nChroma, options.tuning, options.ctroct, options.octwidth, options.baseC]);
  let fb = fbCache.get(key);
  if (!fb) {
    fb = chromaFilterbank(sr, nFft, options);
    if (fbCache.size > 256) fbCache.clear();
    fbCache.set(key, fb);
  }
  return fb;
}

const rowScratch = new Float64Array(64);

/**
 * One frame of chroma_stft: the filterbank (nChroma x bins) applied to the power spectrum at data[o ..]
 * (float64 accumulation), divided by the frame's largest value (norm=inf), written to out[outOffset ..].
 */
export function chromaFrame(fb: Float32Array, nChroma: number, bins: number, data: Float32Array, o: number, out: Float32Array, outOffset: number): void {
  const row = nChroma <= rowScratch.length ? rowScratch : new Float64Array(nChroma);
  let max = 0;
  for (let c = 0; c < nChroma; c++) {
    let acc = 0;
    const w = c * bins - o;
    for (let k = o, e = o + bins; k < e; k++) acc += fb[w + k] * data[k];
    row[c] = acc;
    if (Math.abs(acc) > max) max = Math.abs(acc);
  }
  const scale = max < 1.1754943508222875e-38 ? 1 : max;
  for (let c = 0; c < nChroma; c++) out[outOffset + c] = row[c] / scale;
}

/**
 * librosa.feature.chroma_stft(S=power): tuning estimated from S (piptrack) unless given, the chroma filterbank
 * applied, each frame divided by its maximum (norm=inf). S must be a power spectrogram of an nFft-point STFT.
 */
export function chromaStft(S: Spectrogram, sr: number, nFft: number, options: ChromaOptions = {}): Spectrogram {
  const nChroma = options.nChroma ?? 12;
  const tuning = options.tuning ?? estimateTuning(S, sr, nFft, 0.01, nChroma);
  const fb = cachedChromaFilterbank(sr, nFft, { ...options, tuning });
  const { bins, frames, data } = S;
  const out = new Float32Array(nChroma * frames);
  for (let t = 0; t < frames; t++) chromaFrame(fb, nChroma, bins, data, t * bins, out, t * nChroma);
  return { bins: nChroma, frames, data: out };
}
