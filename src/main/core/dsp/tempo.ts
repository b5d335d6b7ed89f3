import { autocorrelate } from './fft-f64.ts';
import { hannPeriodic } from './window.ts';

export interface TempoOptions {
  sr?: number;
  hop?: number;
  startBpm?: number;
  stdBpm?: number;
  /** Autocorrelation window in seconds (default 8). */
  acSize?: number;
  maxTempo?: number;
}

/**
 * librosa.feature.tempogram (autocorrelation, 0.8): the onset envelope padded by winLength // 2 on both sides
 * with a linear ramp to 0, framed with hop 1, each frame Hann-windowed (periodic), autocorrelated and divided
 * by its largest absolute value. Calls visit(frameIndex, normalisedAutocorrelation) per frame instead of
 * storing the winLength x frames matrix.
 */
export function tempogramFrames(onset: Float32Array, winLength: number, visit: (ac: Float64Array) => void): void {
  const n = onset.length;
  const p = Math.floor(winLength / 2);
  const padded = new Float32Array(n + 2 * p);
  padded.set(onset, p);
  if (n > 0) {
    // numpy.pad(mode='linear_ramp', end_values=0): linspace(0, edge, p, endpoint=False), the right side reversed.
    const left = onset[0];
    const right = onset[n - 1];
    for (let i = 0; i < p; i++) {
      padded[i] = (left / p) * i;
      padded[n + 2 * p - 1 - i] = (right / p) * i;
    }
  }
  const w = hannPeriodic(winLength);
  const frame = new Float64Array(winLength);
  const ac = new Float64Array(winLength);
  for (let t = 0; t < n; t++) {
    for (let i = 0; i < winLength; i++) frame[i] = padded[t + i] * w[i];
    autocorrelate(frame, ac);
    let max = 0;
    for (let i = 0; i < winLength; i++) if (Math.abs(ac[i]) > max) max = Math.abs(ac[i]);
    if (max >= 1.1754943508222875e-38) for (let i = 0; i < winLength; i++) ac[i] /= max;
    visit(ac);
  }
}

/**
 * The `tempo` of librosa.beat.beat_track (0.8): 0 when the onset envelope is all zeros, otherwise
 * librosa.beat.tempo: the time-averaged autocorrelation tempogram (8 s window), weighted by a log-normal prior
 * around startBpm (std in octaves), lags faster than maxTempo excluded, the best lag's BPM (no interpolation).
 */
export function beatTrackTempo(onset: Float32Array, options: TempoOptions = {}): number {
  const sr = options.sr ?? 22050;
  const hop = options.hop ?? 512;
  const acSize = options.acSize ?? 8;
  if (!onset.some((v) => v !== 0)) return 0;
  const winLength = Math.floor((acSize * sr) / hop);
  const mean = new Float64Array(winLength);
  let frames = 0;
  tempogramFrames(onset, winLength, (ac) => {
    for (let i = 0; i < winLength; i++) mean[i] += ac[i];
    frames++;
  });
  for (let i = 0; i < winLength; i++) mean[i] /= frames;
  return tempoFromMeanTempogram(mean, options);
}

/** The tempogram's window (frames of the onset envelope): floor(acSize * sr / hop), 344 by default. */
export function tempogramWindow(options: TempoOptions = {}): number {
  return Math.floor(((options.acSize ?? 8) * (options.sr ?? 22050)) / (options.hop ?? 512));
}

/**
 * librosa.beat.tempo's choice from the time-averaged tempogram (one value per lag): the lag maximising
 * log1p(1e6 * mean) plus a log-normal prior around startBpm, lags faster than maxTempo excluded; the BPM of
 * that lag. 0 when the mean is all zeros (an onset envelope without any onset).
 */
export function tempoFromMeanTempogram(mean: Float64Array, options: TempoOptions = {}): number {
  const sr = options.sr ?? 22050;
  const hop = options.hop ?? 512;
  const startBpm = options.startBpm ?? 120;
  const stdBpm = options.stdBpm ?? 1;
  const maxTempo = options.maxTempo ?? 320;
  if (!mean.some((v) => v !== 0)) return 0;
  let best = -1;
  let bestScore = -Infinity;
  for (let i = 1; i < mean.length; i++) {
    const bpm = (60 * sr) / (hop * i);
    if (bpm >= maxTempo) continue;
    const prior = -0.5 * ((Math.log2(bpm) - Math.log2(startBpm)) / stdBpm) ** 2;
    const score = Math.log1p(1e6 * mean[i]) + prior;
    if (score > bestScore) {
      bestScore = score;
      best = i;
    }
  }
  return best > 0 ? (60 * sr) / (hop * best) : 0;
}

/**
 * tempoFromMeanTempogram on a mean tempogram computed in float32 (TempogramFrameF32), returning the tempo the
 * float64 computation would give, or null when that is not certain: each mean value may be off by up to
 * `error` (normalised autocorrelations of a 768-point float32 FFT are good to ~1e-6 of their maximum; 1e-5
 * leaves a wide margin), so the lag wins only if its lowest possible score beats every other lag's highest.
 */
export function certainTempoFromMeanTempogram(mean: Float64Array, options: TempoOptions = {}, error = 1e-5): number | null {
  const sr = options.sr ?? 22050;
  const hop = options.hop ?? 512;
  const startBpm = options.startBpm ?? 120;
  const stdBpm = options.stdBpm ?? 1;
  const maxTempo = options.maxTempo ?? 320;
  let allZero = true;
  for (let i = 0; i < mean.length; i++) if (Math.abs(mean[i]) > error) allZero = false;
  if (allZero) return null; // an all-zero envelope gives 0 in float64: decide there
  let best = -1;
  let bestLow = -Infinity;
  let rivalHigh = -Infinity;
  const scores: { i: number; low: number; high: number }[] = [];
  for (let i = 1; i < mean.length; i++) {
    const bpm = (60 * sr) / (hop * i);
    if (bpm >= maxTempo) continue;
    const prior = -0.5 * ((Math.log2(bpm) - Math.log2(startBpm)) / stdBpm) ** 2;
    const low = Math.log1p(1e6 * Math.max(-1e-6 + 1e-12, mean[i] - error)) + prior;
    const high = Math.log1p(1e6 * (mean[i] + error)) + prior;
    scores.push({ i, low, high });
    if (low > bestLow) {
      bestLow = low;
      best = i;
    }
  }
  for (const s of scores) if (s.i !== best && s.high > rivalHigh) rivalHigh = s.high;
  if (best < 0 || !(bestLow > rivalHigh)) return null;
  return (60 * sr) / (hop * best);
}
