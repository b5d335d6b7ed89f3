import { chromaStft } from '../dsp/chroma.ts';
import { rms, zeroCrossingRate } from '../dsp/frame-features.ts';
import { hpssWaveforms } from '../dsp/hpss.ts';
import { applyMel, cachedMelFilterbank } from '../dsp/mel.ts';
import { mfccFromLogMel } from '../dsp/mfcc.ts';
import { onsetStrength } from '../dsp/onset.ts';
import { powerToDb } from '../dsp/power-to-db.ts';
import type { Spectrogram } from '../dsp/spectrogram.ts';
import { meanVar } from '../dsp/spectrogram.ts';
import { spectralBandwidth, spectralCentroid, spectralRolloff } from '../dsp/spectral.ts';
import { stft, stftMagnitude } from '../dsp/stft.ts';
import { beatTrackTempo } from '../dsp/tempo.ts';
import { GTZAN_FEATURE_COUNT, GTZAN_MFCC_COUNT } from './gtzan-feature-names.ts';
import type { MeanVarSlot } from './gtzan-feature-slots.ts';
import { gtzanFeatureSlots as F } from './gtzan-feature-slots.ts';

export const GTZAN_SAMPLE_RATE = 22050;
const N_FFT = 2048;
const HOP = 512;

/** Time spent per stage (ms), summed over calls, for benchmarks. */
export type StageTimes = Record<string, number>;

export interface GtzanFeatureResult {
  /** The 57 values in gtzanFeatureNames order. */
  values: Float32Array;
  /** The 128-band dB mel spectrogram (n_fft 2048, hop 512, ref 1.0, top_db 80) the MFCCs were taken from. */
  logMel: Spectrogram;
}

function timed<T>(times: StageTimes | undefined, stage: string, f: () => T): T {
  if (!times) return f();
  const t0 = performance.now();
  const r = f();
  times[stage] = (times[stage] ?? 0) + performance.now() - t0;
  return r;
}

/**
 * The GTZAN / Kaggle feature set of one excerpt, as the table was made with librosa 0.8 defaults
 * (sr 22050, n_fft 2048, hop 512, centred STFT with reflect padding, periodic Hann):
 * chroma_stft, rms, spectral centroid / bandwidth / rolloff (85%), zero-crossing rate, the harmonic and
 * percussive waveforms of librosa.effects.hpss, beat_track's tempo and 20 MFCCs; mean and variance of each
 * over all frames (or samples). One STFT feeds every spectral feature, HPSS and the mel spectrogram; one mel
 * spectrogram in dB feeds the MFCCs and the onset envelope.
 */
export function gtzanFeatures(y: Float32Array, sr = GTZAN_SAMPLE_RATE, times?: StageTimes): GtzanFeatureResult {
  const D = timed(times, 'stft', () => stft(y, { nFft: N_FFT, hop: HOP }));
  const power = timed(times, 'stft', () => stftMagnitude(D, 2));
  const magnitude = timed(times, 'stft', () => stftMagnitude(D, 1));
  const v = new Float64Array(GTZAN_FEATURE_COUNT);
  const put = (slot: MeanVarSlot, stats: { mean: number; variance: number }): void => {
    v[slot.mean] = stats.mean;
    v[slot.variance] = stats.variance;
  };
  timed(times, 'chroma', () => put(F.chroma, meanVar(chromaStft(power, sr, N_FFT).data)));
  timed(times, 'rms+zcr', () => put(F.rms, meanVar(rms(y, { frameLength: N_FFT, hop: HOP }))));
  timed(times, 'spectral', () => {
    const centroid = spectralCentroid(magnitude, sr, N_FFT);
    put(F.spectralCentroid, meanVar(centroid));
    put(F.spectralBandwidth, meanVar(spectralBandwidth(magnitude, sr, N_FFT, centroid)));
    put(F.rolloff, meanVar(spectralRolloff(magnitude, sr, N_FFT)));
  });
  timed(times, 'rms+zcr', () => put(F.zeroCrossingRate, meanVar(zeroCrossingRate(y, { frameLength: N_FFT, hop: HOP }))));
  timed(times, 'hpss', () => {
    const { harmonic, percussive } = hpssWaveforms(y, { stft: D, magnitude });
    put(F.harmony, meanVar(harmonic));
    put(F.perceptr, meanVar(percussive));
  });
  const logMel = timed(times, 'mel+mfcc', () => powerToDb(applyMel(power, cachedMelFilterbank(sr, N_FFT, { nMels: 128 }))));
  timed(times, 'tempo', () => {
    v[F.tempo] = beatTrackTempo(onsetStrength(logMel, { aggregate: 'median', nFft: N_FFT, hop: HOP }), { sr, hop: HOP });
  });
  timed(times, 'mel+mfcc', () => {
    const mfcc = mfccFromLogMel(logMel, GTZAN_MFCC_COUNT);
    const coef = new Float64Array(mfcc.frames);
    for (let k = 0; k < GTZAN_MFCC_COUNT; k++) {
      for (let t = 0; t < mfcc.frames; t++) coef[t] = mfcc.data[t * GTZAN_MFCC_COUNT + k];
      put(F.mfcc[k], meanVar(coef));
    }
  });
  return { values: Float32Array.from(v), logMel };
}
