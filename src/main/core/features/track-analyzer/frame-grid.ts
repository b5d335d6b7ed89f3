import { tempogramWindow } from '../../dsp/tempo.ts';
import { GTZAN_MFCC_COUNT } from '../gtzan-feature-names.ts';
import { CNN_INPUT } from '../model-input-spectrograms.ts';
import { SEGMENT_FRAMES } from '../segmenter.ts';

// The track analyzer's grids and sizes: librosa's defaults at 22050 Hz (n_fft 2048, hop 512, 128 mel bands) for the
// GTZAN features and the MLFI input, and the 512 / 256 STFT of the CNN input.

export const SR = 22050;
export const N_FFT = 2048;
export const HOP = 512;
export const HALF = N_FFT / 2;
export const BINS = HALF + 1;
/** Spectrum rows in WASM memory: bins padded to a multiple of 4 floats. */
export const ROW = HALF + 4;
export const MELS = 128;
export const N_MFCC = GTZAN_MFCC_COUNT;
export const N_CHROMA = 12;
/** power_to_db's top_db: the floor of the dB values is their maximum minus this. */
export const TOP_DB = 80;

/** The per-frame scalars kept in the scalar ring, by slot (spectralShape writes centroid, bandwidth, roll-off in a row). */
export const SCALAR = { rms: 0, centroid: 1, bandwidth: 2, rolloff: 3, zeroCrossingRate: 4 } as const;
/** Slots per frame in the scalar ring. */
export const SCALARS = 5;

/** Onset frames in one tempogram frame (librosa's win_length), and half of it (the envelope's padding each side). */
export const TG = tempogramWindow({ sr: SR, hop: HOP });
export const TG_HALF = TG >> 1;
/** Tempogram block sums kept (a ring of 65-frame blocks; must span the rings' lag). */
export const TG_BLOCKS = 128;
/**
 * Tempogram frames kept (a ring, frame t in slot t & (TG_RING - 1)). Regular segments read their block sums and a
 * whole track's clip the sums of all its frames (OnsetTempo keeps both as the frames are made), so only the segment
 * aligned to the track's end reads frames, its last 130 or so: 512 frames, 0.8 MB, where a ring of the clip's
 * length took 6.3 MB of every analysis's memory, which each classification worker touched page by page on its
 * first track.
 */
export const TG_RING = 512;

export const CNN_NFFT = CNN_INPUT.nFft;
export const CNN_HOP = CNN_INPUT.hop;
export const CNN_MELS = CNN_INPUT.mels;
/** CNN spectrum rows in WASM memory: bins padded to a multiple of 4 floats. */
export const CNN_ROW = CNN_NFFT / 2 + 4;

/** Samples held (in WASM memory): at most one pushed piece plus the stages' lag (a few thousand samples). */
export const STORE_SAMPLES = 1 << 18;
/** push() feeds chunks in pieces of at most this many samples. */
export const PIECE = 1 << 16;

/**
 * Frames held by the per-frame rings (frame t in slot t & (R - 1)): a power of two spanning the clip, the
 * tempogram's reach on both sides, two segments and some lag.
 */
export function ringFrames(clipFrames: number): number {
  let R = 1024;
  while (R < clipFrames + 2 * TG + 2 * SEGMENT_FRAMES + 256) R <<= 1;
  return R;
}
