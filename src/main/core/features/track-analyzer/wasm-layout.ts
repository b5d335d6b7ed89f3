import { cachedMelFilterbank } from '../../dsp/mel.ts';
import { cachedDctMatrix } from '../../dsp/mfcc.ts';
import { StreamingHpss } from '../../dsp/streaming-hpss.ts';
import type { HpssBlock } from '../../dsp/streaming-hpss.ts';
import { WasmTempogram } from '../../dsp/tempogram-wasm.ts';
import type { DspWasm } from '../../dsp/wasm/dsp-wasm.ts';
import { chromaBankTBytes, wasmF64, wasmMelBank, wasmMelBankBytes } from '../../dsp/wasm/kernel-tables.ts';
import type { WasmMelBank } from '../../dsp/wasm/kernel-tables.ts';
import { cachedHann } from '../../dsp/window.ts';
import { SampleStore } from '../sample-store.ts';
import { SEGMENT_FRAMES } from '../segmenter.ts';
import { BINS, CNN_MELS, CNN_NFFT, CNN_ROW, HOP, MELS, N_CHROMA, N_FFT, N_MFCC, ROW, SCALARS, SR, STORE_SAMPLES, TG, TG_BLOCKS, TG_RING } from './frame-grid.ts';

/** The mel bank field's value until layOutTrackMemory sets it (the same shape as wasmMelBank's). */
const NO_MEL_BANK: WasmMelBank = { nMels: 0, pairs: 0, table: 0, meta: 0 };

/**
 * Where everything of one analysis lives in its WASM memory: byte offsets. A ring holds R frames, frame t in slot
 * t & (R - 1) (the CNN ring 2R frames of its own grid).
 *
 * A class whose fields all exist from construction (layOutTrackMemory copies the offsets in): as an object literal,
 * its second run, at the start of a thread's second track, deoptimised every compiled function that reads it (V8's
 * --trace-deopt: "code dependencies"), and 32 properties copied onto an empty instance would leave it with
 * dictionary (slow) properties.
 */
export class TrackWasmLayout {
  /** The sample store: the recent samples of the track (STORE_SAMPLES float32). */
  readonly samples: number = 0;
  /** The packed spectrum of the current frame (PFFFT's output). */
  readonly spectrum: number = 0;
  /** Power spectra, ROW float32 per frame. */
  readonly powerRing: number = 0;
  /** 128-band mel power in dB (not floored), frame-major: MELS float32 per frame. */
  readonly dbRing: number = 0;
  /** Chroma, N_CHROMA float32 per frame. */
  readonly chromaRing: number = 0;
  /** Per-frame scalars (SCALAR slots), SCALARS float64 per frame. */
  readonly scalarRing: number = 0;
  readonly melBank: WasmMelBank = NO_MEL_BANK;
  /** The chroma filterbank with the track's tuning (as DspKernels.chroma12 reads it). */
  readonly chromaBank: number = 0;
  /** The chroma filterbank with a long track's clip's own tuning. */
  readonly clipChromaBank: number = 0;
  /** The DCT-II matrix of the MFCCs (float64, N_MFCC x MELS) and its scratch row. */
  readonly dct: number = 0;
  readonly dctScratch: number = 0;
  /** MFCCs of up to SEGMENT_FRAMES frames (float32, N_MFCC per frame). */
  readonly mfccOut: number = 0;
  /** The current frame's mel power (float32, MELS). */
  readonly melOut: number = 0;
  /** One chroma frame (float32, N_CHROMA). */
  readonly chromaOut: number = 0;
  /** piptrack's peaks of one frame: pitches and magnitudes (float32, up to BINS each). */
  readonly peakPitch: number = 0;
  readonly peakMag: number = 0;
  /** Hann windows (float64) of the two STFTs. */
  readonly hann: number = 0;
  readonly cnnHann: number = 0;
  /** The current windowed frame (float32, N_FFT; the CNN's uses the first CNN_NFFT). */
  readonly windowed: number = 0;
  /** DspKernels.blockStats' output: sum of squares (float64), zero crossings (int32). */
  readonly blockStats: number = 0;
  /** The CNN frame's packed spectrum, its power rows and its mel power. */
  readonly cnnSpectrum: number = 0;
  readonly cnnRows: number = 0;
  readonly cnnMelOut: number = 0;
  readonly cnnMelBank: WasmMelBank = NO_MEL_BANK;
  /** The track's onset envelope, padded as the tempogram reads it (float32, R + 2 TG). */
  readonly onset: number = 0;
  /** Tempogram frames (float32, TG per frame, the last TG_RING) and their float64 sums per 65-frame block (TG_BLOCKS blocks). */
  readonly tempogramRing: number = 0;
  readonly tempogramBlockSums: number = 0;
  /** A long track's clip's own padded onset envelope (float32, R + 2 TG) and its tempogram's sums (float64, TG). */
  readonly clipOnset: number = 0;
  readonly clipSums: number = 0;
  /** A tempogram frame nobody keeps (float32, TG). */
  readonly tempogramScratch: number = 0;
  /** CNN frames, band-major: band m of CNN frame u at m * 2R + (u & (2R - 1)) (float32). */
  readonly cnnRing: number = 0;
  /** The dB ring again, band-major: band m of frame t at m * R + (t & (R - 1)) (float32), for the MLFI input. */
  readonly dbBandRing: number = 0;
}

/** The WASM memory of one analysis: its layout, the objects living in it, and typed views of its rings. */
export interface TrackMemory {
  readonly wasm: DspWasm;
  /** Frames per ring (a power of two). */
  readonly R: number;
  readonly at: TrackWasmLayout;
  readonly store: SampleStore;
  readonly hpss: StreamingHpss;
  readonly tempogram: WasmTempogram;
  /** Views of the regions of the same names. */
  readonly db: Float32Array;
  readonly dbBands: Float32Array;
  readonly chroma: Float32Array;
  readonly scalars: Float64Array;
  readonly onset: Float32Array;
  readonly tempogramFrames: Float32Array;
  readonly tempogramBlocks: Float64Array;
  readonly cnn: Float32Array;
  /** The windowed frame, as the 2048-sample and as the 512-sample STFT use it. */
  readonly windowed: Float32Array;
  readonly cnnWindowed: Float32Array;
}

/**
 * The record layOutTrackMemory returns is built on an instance of this class (its fields copied in), not returned
 * as an object literal: the literal's second run, at the start of a thread's second track, deoptimised every compiled
 * function that reads it (V8's --trace-deopt: "code dependencies"), to be compiled again during that track.
 */
class TrackMemoryRecord {}

/** The regions: the layout's, and those the HPSS and the tempogram allocate for themselves. */
type Region = keyof TrackWasmLayout | 'hpss' | 'tempogram';

/** Bytes of each region for rings of R frames, in allocation order. */
function regionBytes(R: number): Record<Region, number> {
  return {
    samples: STORE_SAMPLES * 4,
    hpss: StreamingHpss.bytesNeeded(N_FFT),
    spectrum: N_FFT * 4,
    powerRing: R * ROW * 4,
    dbRing: R * MELS * 4,
    chromaRing: R * N_CHROMA * 4,
    scalarRing: R * SCALARS * 8,
    melBank: wasmMelBankBytes(cachedMelFilterbank(SR, N_FFT, { nMels: MELS })),
    chromaBank: chromaBankTBytes(BINS),
    clipChromaBank: chromaBankTBytes(BINS),
    dct: N_MFCC * MELS * 8,
    dctScratch: MELS * 8,
    mfccOut: SEGMENT_FRAMES * N_MFCC * 4,
    melOut: MELS * 4,
    chromaOut: 64,
    peakPitch: BINS * 4,
    peakMag: BINS * 4,
    hann: N_FFT * 8,
    cnnHann: CNN_NFFT * 8,
    windowed: N_FFT * 4,
    blockStats: 16,
    cnnSpectrum: CNN_NFFT * 4,
    cnnRows: 4 * CNN_ROW * 4,
    cnnMelOut: CNN_MELS * 4,
    cnnMelBank: wasmMelBankBytes(cachedMelFilterbank(SR, CNN_NFFT, { nMels: CNN_MELS })),
    onset: (R + 2 * TG) * 4,
    tempogramRing: TG_RING * TG * 4,
    tempogramBlockSums: TG_BLOCKS * TG * 8,
    tempogram: WasmTempogram.bytesNeeded(TG),
    clipOnset: (R + 2 * TG) * 4,
    clipSums: TG * 8,
    tempogramScratch: TG * 4,
    cnnRing: 2 * R * CNN_MELS * 4,
    dbBandRing: R * MELS * 4,
  };
}

/** The WASM memory an analysis with rings of R frames needs (every region rounded up to DspWasm's 16-byte grain). */
export function trackMemoryBytes(R: number): number {
  let total = 0;
  for (const bytes of Object.values(regionBytes(R))) total += (bytes + 15) & ~15;
  return total;
}

/**
 * Allocates the regions of one analysis in a fresh (or reset) DspWasm of trackMemoryBytes(R) bytes, always in
 * the same order, and creates the sample store, the streaming HPSS (calling onHpssBlock with each block's sums) and
 * the tempogram in it.
 */
export function layOutTrackMemory(wasm: DspWasm, R: number, onHpssBlock: (b: HpssBlock) => void): TrackMemory {
  const bytes = regionBytes(R);
  const alloc = (region: Region): number => wasm.alloc(bytes[region]);
  const samples = alloc('samples');
  const store = new SampleStore(STORE_SAMPLES, { array: new Float32Array(wasm.memory.buffer, samples, STORE_SAMPLES), wasmOffset: samples });
  const hpss = new StreamingHpss(wasm, store, onHpssBlock, N_FFT, HOP);
  const spectrum = alloc('spectrum');
  const powerRing = alloc('powerRing');
  const dbRing = alloc('dbRing');
  const chromaRing = alloc('chromaRing');
  const scalarRing = alloc('scalarRing');
  const melBank = wasmMelBank(wasm, cachedMelFilterbank(SR, N_FFT, { nMels: MELS }));
  const chromaBank = alloc('chromaBank');
  const clipChromaBank = alloc('clipChromaBank');
  const dct = wasmF64(wasm, cachedDctMatrix(N_MFCC, MELS));
  const dctScratch = alloc('dctScratch');
  const mfccOut = alloc('mfccOut');
  const melOut = alloc('melOut');
  const chromaOut = alloc('chromaOut');
  const peakPitch = alloc('peakPitch');
  const peakMag = alloc('peakMag');
  const hann = wasmF64(wasm, cachedHann(N_FFT));
  const cnnHann = wasmF64(wasm, cachedHann(CNN_NFFT));
  const windowed = alloc('windowed');
  const blockStats = alloc('blockStats');
  const cnnSpectrum = alloc('cnnSpectrum');
  const cnnRows = alloc('cnnRows');
  const cnnMelOut = alloc('cnnMelOut');
  const cnnMelBank = wasmMelBank(wasm, cachedMelFilterbank(SR, CNN_NFFT, { nMels: CNN_MELS }));
  const onset = alloc('onset');
  const tempogramRing = alloc('tempogramRing');
  const tempogramBlockSums = alloc('tempogramBlockSums');
  const tempogram = new WasmTempogram(wasm, TG);
  const clipOnset = alloc('clipOnset');
  const clipSums = alloc('clipSums');
  const tempogramScratch = alloc('tempogramScratch');
  const cnnRing = alloc('cnnRing');
  const dbBandRing = alloc('dbBandRing');
  const at: TrackWasmLayout = Object.assign(new TrackWasmLayout(), {
    samples, spectrum, powerRing, dbRing, chromaRing, scalarRing, melBank, chromaBank, clipChromaBank, dct, dctScratch, mfccOut,
    melOut, chromaOut, peakPitch, peakMag, hann, cnnHann, windowed, blockStats, cnnSpectrum, cnnRows, cnnMelOut, cnnMelBank,
    onset, tempogramRing, tempogramBlockSums, clipOnset, clipSums, tempogramScratch, cnnRing, dbBandRing,
  });
  const buf = wasm.memory.buffer;
  return Object.assign(new TrackMemoryRecord(), {
    wasm,
    R,
    at,
    store,
    hpss,
    tempogram,
    db: new Float32Array(buf, dbRing, R * MELS),
    dbBands: new Float32Array(buf, dbBandRing, R * MELS),
    chroma: new Float32Array(buf, chromaRing, R * N_CHROMA),
    scalars: new Float64Array(buf, scalarRing, R * SCALARS),
    onset: new Float32Array(buf, onset, R + 2 * TG),
    tempogramFrames: new Float32Array(buf, tempogramRing, TG_RING * TG),
    tempogramBlocks: new Float64Array(buf, tempogramBlockSums, TG_BLOCKS * TG),
    cnn: new Float32Array(buf, cnnRing, 2 * R * CNN_MELS),
    windowed: new Float32Array(buf, windowed, N_FFT),
    cnnWindowed: new Float32Array(buf, windowed, CNN_NFFT),
  });
}
