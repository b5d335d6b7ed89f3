import { GTZAN_FEATURE_COUNT } from '../gtzan-feature-names.ts';
import type { MeanVarSlot } from '../gtzan-feature-slots.ts';
import { gtzanFeatureSlots as F } from '../gtzan-feature-slots.ts';
import { SEGMENT_FRAMES } from '../segmenter.ts';
import { MELS, N_CHROMA, N_MFCC, SCALAR, SCALARS } from './frame-grid.ts';
import type { TrackMemory } from './wasm-layout.ts';

/** Mean and population variance of values[offset + i * stride], i < count, two-pass in float64 (np.mean / np.var). */
function meanVarStrided(values: ArrayLike<number>, offset: number, count: number, stride: number): { mean: number; variance: number } {
  let sum = 0;
  for (let i = 0; i < count; i++) sum += values[offset + i * stride];
  const mean = sum / count;
  let ss = 0;
  for (let i = 0; i < count; i++) {
    const d = values[offset + i * stride] - mean;
    ss += d * d;
  }
  return { mean, variance: ss / count };
}

/**
 * Mean and population variance of every value of `rows` rows of `width` values, row r read at
 * ((first + r) & mask) * width (a ring's rows through its mask, or rows in order with LINEAR_ROWS), two-pass in
 * float64 in row order: what meanVarStrided gives on those rows copied out in a run, without the copy.
 */
function meanVarRows(values: ArrayLike<number>, first: number, rows: number, mask: number, width: number): { mean: number; variance: number } {
  let sum = 0;
  for (let r = 0; r < rows; r++) {
    const o = ((first + r) & mask) * width;
    for (let k = 0; k < width; k++) sum += values[o + k];
  }
  const count = rows * width;
  const mean = sum / count;
  let ss = 0;
  for (let r = 0; r < rows; r++) {
    const o = ((first + r) & mask) * width;
    for (let k = 0; k < width; k++) {
      const d = values[o + k] - mean;
      ss += d * d;
    }
  }
  return { mean, variance: ss / count };
}

function put(v: Float64Array, slot: MeanVarSlot, s: { mean: number; variance: number }): void {
  v[slot.mean] = s.mean;
  v[slot.variance] = s.variance;
}

/** A mask that keeps every row index: rows read in order from a linear array. */
const LINEAR_ROWS = 0x3fffffff;

/** Which GTZAN statistic each slot of the scalar ring feeds. */
const scalarFeatures: readonly { scalar: number; feature: MeanVarSlot }[] = [
  { scalar: SCALAR.rms, feature: F.rms },
  { scalar: SCALAR.centroid, feature: F.spectralCentroid },
  { scalar: SCALAR.bandwidth, feature: F.spectralBandwidth },
  { scalar: SCALAR.rolloff, feature: F.rolloff },
  { scalar: SCALAR.zeroCrossingRate, feature: F.zeroCrossingRate },
];

/** The HPSS blocks a feature vector covers, and the samples its harmonic / percussive statistics are over. */
export interface HarmonicSpan {
  /** 512-sample blocks from the first frame's whose HPSS sums are added. */
  blocks: number;
  /** Samples the means and variances divide by (librosa's zeros past the blocks count). */
  samples: number;
}

/**
 * Feature assembly: the 57 GTZAN features (gtzanFeatureNames order) of a run of frames, from the rings the frame
 * stage filled, the HPSS block sums, a tempo and a dB floor: the mean and variance of each per-frame statistic
 * over the frames, of the harmonic and percussive waveforms over the samples, and of 20 MFCCs of the floored dB
 * frames.
 */
export class FeatureAssembler {
  private readonly mem: TrackMemory;
  private readonly blocks: Float64Array;

  constructor(mem: TrackMemory, hpssBlockSums: Float64Array) {
    this.mem = mem;
    this.blocks = hpssBlockSums;
  }

  /**
   * The 57 features over frames [f0, f0 + frames) with the given chroma (the chroma ring, or the frames' own rows
   * from row 0), tempo and dB floor.
   */
  features(f0: number, frames: number, chroma: Float32Array, harmonic: HarmonicSpan, tempo: number, floor: number): Float32Array {
    const mem = this.mem;
    const R = mem.R;
    const v = new Float64Array(GTZAN_FEATURE_COUNT);
    // chroma: the frames' rows read in order, from the ring (frame f0 + t at row (f0 + t) & (R - 1)) or from row t,
    // one way for both: a branch for the runs that wrap around the ring was first taken at about 95 s into each
    // worker's first track, in compiled code, which V8 then dropped and compiled again
    const inRing = chroma === mem.chroma;
    const ringMask = R - 1;
    put(v, F.chroma, meanVarRows(chroma, inRing ? f0 : 0, frames, inRing ? ringMask : LINEAR_ROWS, N_CHROMA));
    // rms, spectral centroid / bandwidth / roll-off, zero-crossing rate: one column of the scalar ring each
    const col = new Float64Array(frames);
    const scalars = mem.scalars;
    for (let s = 0; s < scalarFeatures.length; s++) {
      const { scalar, feature } = scalarFeatures[s];
      for (let t = 0; t < frames; t++) col[t] = scalars[((f0 + t) & (R - 1)) * SCALARS + scalar];
      put(v, feature, meanVarStrided(col, 0, frames, 1));
    }
    // harmonic / percussive: block sums over the covered blocks; the samples past them are librosa's zeros
    let sh = 0;
    let sh2 = 0;
    let sp = 0;
    let sp2 = 0;
    for (let b = f0; b < f0 + harmonic.blocks; b++) {
      const o = (b & (R - 1)) * 4;
      sh += this.blocks[o];
      sh2 += this.blocks[o + 1];
      sp += this.blocks[o + 2];
      sp2 += this.blocks[o + 3];
    }
    const n = harmonic.samples;
    const harmonyMean = sh / n;
    const perceptrMean = sp / n;
    v[F.harmony.mean] = harmonyMean;
    v[F.harmony.variance] = Math.max(0, sh2 / n - harmonyMean * harmonyMean);
    v[F.perceptr.mean] = perceptrMean;
    v[F.perceptr.variance] = Math.max(0, sp2 / n - perceptrMean * perceptrMean);
    v[F.tempo] = tempo;
    // MFCCs of the floored dB frames, computed in chunks of up to SEGMENT_FRAMES frames
    const wasm = mem.wasm;
    const at = mem.at;
    const k = wasm.kernels;
    const mf = new Float32Array(frames * N_MFCC);
    const floor32 = Math.fround(floor);
    const out = new Float32Array(wasm.memory.buffer, at.mfccOut, SEGMENT_FRAMES * N_MFCC);
    for (let c0 = 0; c0 < frames; c0 += SEGMENT_FRAMES) {
      const c1 = Math.min(frames, c0 + SEGMENT_FRAMES);
      for (let t = c0; t < c1; t++) k.mfccFloor(at.dct, at.dbRing + ((f0 + t) & (R - 1)) * MELS * 4, MELS, N_MFCC, floor, floor32, at.dctScratch, at.mfccOut + (t - c0) * N_MFCC * 4);
      mf.set(out.subarray(0, (c1 - c0) * N_MFCC), c0 * N_MFCC);
    }
    for (let j = 0; j < N_MFCC; j++) put(v, F.mfcc[j], meanVarStrided(mf, j, frames, N_MFCC));
    return Float32Array.from(v);
  }
}
