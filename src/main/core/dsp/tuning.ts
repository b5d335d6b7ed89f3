import type { Spectrogram } from './spectrogram.ts';

export interface PiptrackOptions {
  fmin?: number;
  fmax?: number;
  /** A peak must exceed threshold x the frame's maximum (default 0.1). */
  threshold?: number;
}

/** Peaks found by piptrack: parallel arrays of interpolated frequency (Hz) and magnitude. */
export interface PitchPeaks {
  count: number;
  pitch: Float32Array;
  mag: Float32Array;
}

/** Growable storage for piptrack's peaks. */
export class PitchPeakCollector implements PitchPeaks {
  count = 0;
  private p = new Float32Array(1024);
  private m = new Float32Array(1024);

  push(pitch: number, mag: number): void {
    if (this.count === this.p.length) {
      const p2 = new Float32Array(this.count * 2);
      p2.set(this.p);
      this.p = p2;
      const m2 = new Float32Array(this.count * 2);
      m2.set(this.m);
      this.m = m2;
    }
    this.p[this.count] = pitch;
    this.m[this.count] = mag;
    this.count++;
  }

  clear(): void {
    this.count = 0;
  }

  get pitch(): Float32Array {
    return this.p.subarray(0, this.count);
  }

  get mag(): Float32Array {
    return this.m.subarray(0, this.count);
  }
}

/** The bins piptrack examines: kLo <= k < kHi, i.e. 1 <= k < bins - 1 with fmin <= k sr / nFft < fmax. */
export function piptrackBinRange(bins: number, sr: number, nFft: number, options: PiptrackOptions = {}): { kLo: number; kHi: number } {
  const fmin = Math.max(options.fmin ?? 150, 0);
  const fmax = Math.min(options.fmax ?? 4000, sr / 2);
  let kLo = Math.max(1, Math.ceil((fmin * nFft) / sr));
  while (kLo < bins - 1 && (kLo * sr) / nFft < fmin) kLo++;
  let kHi = kLo;
  while (kHi < bins - 1 && (kHi * sr) / nFft < fmax) kHi++;
  return { kLo, kHi };
}

/**
 * One frame of piptrack: the peaks of the spectrum at data[o .. o + bins) added to `sink` (see piptrack).
 */
export function piptrackFrame(data: Float32Array, o: number, bins: number, sr: number, nFft: number, sink: PitchPeakCollector, options: PiptrackOptions = {}): void {
  const threshold = options.threshold ?? 0.1;
  const { kLo, kHi } = piptrackBinRange(bins, sr, nFft, options);
  // float32 arithmetic as numpy does on a float32 S.
  const f = Math.fround;
  let max = 0;
  for (let k = 0; k < bins; k++) if (data[o + k] > max) max = data[o + k];
  const ref = f(threshold * max);
  for (let k = kLo; k < kHi; k++) {
    // S * (S > ref): values at or below ref become 0 before the local-maximum test.
    const b = data[o + k];
    const c = b > ref ? b : 0;
    const a = data[o + k - 1];
    const d = data[o + k + 1];
    if (!(c > (a > ref ? a : 0) && c >= (d > ref ? d : 0))) continue;
    const avg = f(0.5 * f(d - a));
    let shift = f(f(2 * b) - d - a);
    shift = f(avg / (Math.abs(shift) < 1.1754943508222875e-38 ? f(shift + 1) : shift));
    const dskew = f(f(0.5 * avg) * shift);
    sink.push(((k + shift) * sr) / nFft, b + dskew);
  }
}

/**
 * librosa.piptrack (0.8) on a spectrogram S (librosa passes chroma_stft's power spectrogram here as is):
 * parabolic interpolation around each bin, kept where the bin is a local maximum along frequency, above
 * threshold x the frame's maximum, with fmin <= f < fmax. Returns only the non-zero entries.
 */
export function piptrack(S: Spectrogram, sr: number, nFft: number, options: PiptrackOptions = {}): PitchPeaks {
  const sink = new PitchPeakCollector();
  for (let t = 0; t < S.frames; t++) piptrackFrame(S.data, t * S.bins, S.bins, sr, nFft, sink, options);
  return { count: sink.count, pitch: sink.pitch, mag: sink.mag };
}

/** numpy.median of a copy of the values. */
export function median(values: Float32Array | Float64Array): number {
  const n = values.length;
  if (n === 0) return NaN;
  const s = Float64Array.from(values).sort();
  return n % 2 ? s[(n - 1) >> 1] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/**
 * librosa.pitch_tuning: the histogram peak (resolution-wide bins over [-0.5, 0.5)) of each frequency's
 * deviation from the nearest equal-tempered pitch, in fractions of a bin. Float32 arithmetic as numpy applies
 * to librosa's float32 pitch array.
 */
export function pitchTuning(frequencies: ArrayLike<number>, resolution = 0.01, binsPerOctave = 12): number {
  const nBins = Math.ceil(1 / resolution);
  const edges = new Float64Array(nBins + 1);
  const step = 1 / nBins;
  for (let i = 0; i <= nBins; i++) edges[i] = i === nBins ? 0.5 : i * step - 0.5;
  const counts = new Int32Array(nBins);
  let any = false;
  const f = Math.fround;
  for (let i = 0; i < frequencies.length; i++) {
    const hz = frequencies[i];
    if (!(hz > 0)) continue;
    any = true;
    const octs = f(Math.log2(f(hz / 27.5)));
    let r = f(f(binsPerOctave * octs) % 1);
    if (r < 0) r = f(r + 1);
    if (r >= 0.5) r = f(r - 1);
    let b = Math.floor((r + 0.5) * nBins);
    if (b >= nBins) b = nBins - 1;
    if (b < 0) b = 0;
    if (r < edges[b]) b--;
    else if (b < nBins - 1 && r >= edges[b + 1]) b++;
    if (b >= 0 && b < nBins) counts[b]++;
  }
  if (!any) return 0;
  let best = 0;
  for (let i = 1; i < nBins; i++) if (counts[i] > counts[best]) best = i;
  return edges[best];
}

/**
 * librosa.estimate_tuning's second half: of piptrack's peaks, keep those with a positive pitch whose magnitude
 * is at least the median such magnitude, then pitch_tuning. In fractions of a chroma bin, in [-0.5, 0.5).
 */
export function tuningFromPeaks(peaks: PitchPeaks, resolution = 0.01, binsPerOctave = 12): number {
  const positive: number[] = [];
  const mags: number[] = [];
  // read once: a collector's pitch and mag are getters that make a new view at every read (three per peak, some
  // 30,000 per track, was 3.5 MB of garbage a track)
  const { pitch, mag, count } = peaks;
  for (let i = 0; i < count; i++) {
    if (pitch[i] > 0) {
      positive.push(pitch[i]);
      mags.push(mag[i]);
    }
  }
  const threshold = positive.length ? median(Float64Array.from(mags)) : 0;
  const kept: number[] = [];
  for (let i = 0; i < positive.length; i++) if (mags[i] >= threshold) kept.push(positive[i]);
  return pitchTuning(kept, resolution, binsPerOctave);
}

/** librosa.estimate_tuning(S=S): piptrack, then tuningFromPeaks. */
export function estimateTuning(S: Spectrogram, sr: number, nFft: number, resolution = 0.01, binsPerOctave = 12): number {
  return tuningFromPeaks(piptrack(S, sr, nFft), resolution, binsPerOctave);
}
