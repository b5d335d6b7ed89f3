// What the segment models are fed, computed from a 3 s excerpt: the CNN's and the MLFI's mel spectrograms and their
// geometry. (Which input of a model takes which of them: models/inference/model-input-sources.ts.)
import { applyMel, cachedMelFilterbank } from '../dsp/mel.ts';
import type { Spectrogram } from '../dsp/spectrogram.ts';
import { stft, stftMagnitude } from '../dsp/stft.ts';

/**
 * The segment CNN's input (Dong 2018): 64 mel bands x 256 frames, n_fft 512, hop 256, compressed as
 * ln(1 + gain * mel). The paper writes ln(1 + mel); at librosa's mel scale (Slaney-normalised filters, power of an
 * unnormalised STFT, samples in [-1, 1]) the median mel value of a GTZAN clip is about 0.007 and three in four are
 * below 0.08, where ln(1 + mel) is nearly linear, so the CNN saw linear power. A gain of 10^4 (as in
 * ln(1 + 10000 * mel), the usual form in music CNNs) makes the compression logarithmic over the music's range.
 */
export const CNN_INPUT = { mels: 64, frames: 256, nFft: 512, hop: 256, gain: 10000, compression: 'ln(1+10000*mel)' } as const;
/** The compression of CNN models trained before the gain: ln(1 + mel). */
export const CNN_LEGACY_COMPRESSION = 'ln(1+mel)';
/** Shape of the MLFI visual input: 128 mel bands x 130 frames, n_fft 2048, hop 512, dB (power_to_db, ref 1). */
export const MLFI_INPUT = { mels: 128, frames: 130, nFft: 2048, hop: 512 } as const;

/** A frame-major spectrogram turned band-major (row m = band m, frames columns), cut or zero-padded to `frames`. */
export function toBandMajor(S: Spectrogram, frames: number): Float32Array {
  const out = new Float32Array(S.bins * frames);
  const n = Math.min(frames, S.frames);
  for (let t = 0; t < n; t++) for (let m = 0; m < S.bins; m++) out[m * frames + t] = S.data[t * S.bins + m];
  return out;
}

/**
 * The CNN input of a 3 s excerpt: mel power spectrogram (64 Slaney bands, centred STFT 512 / 256), the first
 * 256 frames, compressed as ln(1 + 10^4 mel). Band-major: value of band m at frame t is out[m * 256 + t].
 */
export function cnnInput(y: Float32Array, sr = 22050): Float32Array {
  const S = stftMagnitude(stft(y, { nFft: CNN_INPUT.nFft, hop: CNN_INPUT.hop }), 2);
  const mel = applyMel(S, cachedMelFilterbank(sr, CNN_INPUT.nFft, { nMels: CNN_INPUT.mels }));
  const out = toBandMajor(mel, CNN_INPUT.frames);
  for (let i = 0; i < out.length; i++) out[i] = Math.log1p(CNN_INPUT.gain * out[i]);
  return out;
}

/** The MLFI visual input from the excerpt's 128-band dB mel spectrogram (the one its MFCCs come from). */
export function mlfiInput(logMel: Spectrogram): Float32Array {
  if (logMel.bins !== MLFI_INPUT.mels) throw new RangeError(`expected ${MLFI_INPUT.mels} mel bands, got ${logMel.bins}`);
  return toBandMajor(logMel, MLFI_INPUT.frames);
}
