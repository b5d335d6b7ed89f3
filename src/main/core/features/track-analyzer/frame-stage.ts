import { cachedChromaFilterbank } from '../../dsp/chroma.ts';
import { realFft } from '../../dsp/fft.ts';
import { padIndex } from '../../dsp/pad.ts';
import type { PadMode } from '../../dsp/pad.ts';
import type { StreamingHpss } from '../../dsp/streaming-hpss.ts';
import { PitchPeakCollector, piptrackBinRange, tuningFromPeaks } from '../../dsp/tuning.ts';
import type { DspWasm } from '../../dsp/wasm/dsp-wasm.ts';
import { writeChromaBankT } from '../../dsp/wasm/kernel-tables.ts';
import { cachedHann } from '../../dsp/window.ts';
import type { SampleStore } from '../sample-store.ts';
import { CNN_INPUT } from '../model-input-spectrograms.ts';
import type { EngineBuffers } from './engine-buffers.ts';
import { BINS, CNN_HOP, CNN_MELS, CNN_NFFT, HALF, HOP, MELS, N_CHROMA, N_FFT, ROW, SCALAR, SCALARS, SR } from './frame-grid.ts';
import type { TrackMemory, TrackWasmLayout } from './wasm-layout.ts';

/**
 * The frame stage: everything computed from one STFT frame alone, frame by frame as samples arrive, into the rings
 * of TrackMemory. Per frame t (n_fft 2048, hop 512, centred, reflect padding at the track's edges): the STFT
 * (PFFFT), power and magnitude (WASM), the 128-band mel spectrum in dB (not yet floored), spectral centroid /
 * bandwidth / roll-off, RMS and zero-crossing rate, and the frame's rows handed to the streaming HPSS; chroma once
 * the track's tuning is known. Per frame u of the 512 / 256 STFT: the CNN input's 64-band ln(1 + mel) frame.
 * Per 512-sample block: sums that make an interior frame's RMS and zero-crossing rate four additions.
 */
export class FrameStage {
  private readonly R: number;
  private readonly wasm: DspWasm;
  private readonly at: TrackWasmLayout;
  private readonly mem: TrackMemory;
  private readonly store: SampleStore;
  private readonly hpss: StreamingHpss;
  private readonly sq: Float64Array;
  private readonly cross: Int32Array;
  private readonly firstPair: Uint8Array;
  private readonly frameBuf = new Float32Array(N_FFT);
  /** The track's length in samples once it ended, else -1. */
  private n = -1;
  private tuning: number | null = null;
  private chromaPairs = 0;
  /** Progress: 512-sample blocks summed, STFT frames, chroma frames, CNN frames done. */
  private blocksDone = 0;
  private tA = 0;
  private tC = 0;
  private uA = 0;

  constructor(mem: TrackMemory, buffers: EngineBuffers) {
    this.R = mem.R;
    this.wasm = mem.wasm;
    this.at = mem.at;
    this.mem = mem;
    this.store = mem.store;
    this.hpss = mem.hpss;
    this.sq = buffers.sq;
    this.cross = buffers.cross;
    this.firstPair = buffers.firstPair;
  }

  /** STFT frames done (frames [0, framesDone) are in the rings, chroma aside). */
  get framesDone(): number {
    return this.tA;
  }

  get chromaDone(): number {
    return this.tC;
  }

  get cnnFramesDone(): number {
    return this.uA;
  }

  get sampleBlocksDone(): number {
    return this.blocksDone;
  }

  /** The tuning chroma uses (the track's, from its first frames), null until setTrackTuning. */
  get trackTuning(): number | null {
    return this.tuning;
  }

  /** The track ended after n samples: the frames past that see reflect padding. */
  trackEnded(n: number): void {
    this.n = n;
  }

  /** Sets the track's tuning: from now on each frame gets its chroma (call catchUpChroma for the frames before). */
  setTrackTuning(tuning: number): void {
    this.tuning = tuning;
    this.chromaPairs = writeChromaBankT(this.wasm, cachedChromaFilterbank(SR, N_FFT, { tuning }), BINS, this.at.chromaBank);
  }

  /** Runs the STFT frames up to `limit` (exclusive). */
  advanceFrames(limit: number): void {
    while (this.tA < limit) this.frame(this.tA++);
  }

  /** Chroma of the frames done before the tuning was known. */
  catchUpChroma(): void {
    const k = this.wasm.kernels;
    for (; this.tC < this.tA; this.tC++) k.chroma12(this.at.chromaBank, this.powRow(this.tC), this.at.chromaRing + (this.tC & (this.R - 1)) * N_CHROMA * 4, this.chromaPairs);
  }

  /** Runs the CNN frames up to `limit` (exclusive). */
  advanceCnnFrames(limit: number): void {
    while (this.uA < limit) this.cnnFrame(this.uA++);
  }

  /**
   * Per 512-sample block b (samples [512 b, 512 b + 512)): the sum of squares and the zero crossings between
   * consecutive samples inside it and with the previous block's last sample, so an interior frame's RMS and
   * zero-crossing rate add four blocks instead of reading 2048 samples.
   */
  sampleBlockSums(upTo: number): void {
    const R = this.R;
    const thr = -Math.fround(1e-10);
    const k = this.wasm.kernels;
    const out = this.at.blockStats;
    for (; this.blocksDone < upTo; this.blocksDone++) {
      const b = this.blocksDone;
      const array = this.store.array;
      const offset = this.store.offsetOf(b * HOP);
      if (b === 0) {
        // no sample before the first: count from the second one
        let acc = 0;
        let crossings = 0;
        let prev = array[offset] < thr ? 1 : 0;
        for (let i = offset; i < offset + HOP; i++) {
          const x = array[i];
          acc += x * x;
          const neg = x < thr ? 1 : 0;
          crossings += neg ^ prev;
          prev = neg;
        }
        this.sq[0] = acc;
        this.cross[0] = crossings;
        this.firstPair[0] = 0;
        continue;
      }
      k.blockStats(this.store.pointer(b * HOP), HOP, out);
      this.sq[b & (R - 1)] = this.wasm.heap64[out >> 3];
      this.cross[b & (R - 1)] = this.wasm.heapI32[(out >> 2) + 2];
      this.firstPair[b & (R - 1)] = (array[offset] < thr ? 1 : 0) ^ (array[offset - 1] < thr ? 1 : 0);
    }
  }

  /** Byte offset of frame t's power spectrum. */
  powRow(t: number): number {
    return this.at.powerRing + (t & (this.R - 1)) * ROW * 4;
  }

  /** librosa's estimate_tuning over the power spectra of frames [from, to) (piptrack in WASM, bit-exact). */
  tuningOf(from: number, to: number): number {
    const peaks = new PitchPeakCollector();
    const heap = this.wasm.heap;
    const { kLo, kHi } = piptrackBinRange(BINS, SR, N_FFT);
    const k = this.wasm.kernels;
    const po = this.at.peakPitch >> 2;
    const mo = this.at.peakMag >> 2;
    for (let t = from; t < to; t++) {
      const count = k.piptrack(this.powRow(t), BINS, kLo, kHi, 0.1, SR, N_FFT, this.at.peakPitch, this.at.peakMag);
      for (let i = 0; i < count; i++) peaks.push(heap[po + i], heap[mo + i]);
    }
    return tuningFromPeaks(peaks, 0.01, N_CHROMA);
  }

  /** The largest dB mel value of frames [from, to). */
  maxDb(from: number, to: number): number {
    let max = -Infinity;
    const db = this.mem.db;
    for (let t = from; t < to; t++) {
      const o = (t & (this.R - 1)) * MELS;
      for (let m = o; m < o + MELS; m++) if (db[m] > max) max = db[m];
    }
    return max;
  }

  /** Chroma of frames [f0, f0 + frames) with their own tuning (a long track's clip), frame-major. */
  chromaWithOwnTuning(f0: number, frames: number): Float32Array {
    const tuning = this.tuningOf(f0, f0 + frames);
    const pairs = writeChromaBankT(this.wasm, cachedChromaFilterbank(SR, N_FFT, { tuning }), BINS, this.at.clipChromaBank);
    const chroma = new Float32Array(frames * N_CHROMA);
    const k = this.wasm.kernels;
    const out = new Float32Array(this.wasm.memory.buffer, this.at.chromaOut, N_CHROMA);
    for (let t = 0; t < frames; t++) {
      k.chroma12(this.at.clipChromaBank, this.powRow(f0 + t), this.at.chromaOut, pairs);
      chroma.set(out, t * N_CHROMA);
    }
    return chroma;
  }

  /** Fills frameBuf with samples [start, start + len) of the track, padded beyond its edges (mode). */
  private window(start: number, len: number, mode: PadMode): Float32Array {
    const buf = len === N_FFT ? this.frameBuf : this.frameBuf.subarray(0, len);
    const n = this.n >= 0 ? this.n : this.store.total;
    for (let i = 0; i < len; i++) {
      const j = padIndex(start + i, n, mode);
      buf[i] = j < 0 ? 0 : this.store.at(j);
    }
    return buf;
  }

  /** STFT frame t and everything computed from it alone. */
  private frame(t: number): void {
    const fft = realFft(N_FFT);
    const w = cachedHann(N_FFT);
    const heap = this.wasm.heap;
    const k = this.wasm.kernels;
    const R = this.R;
    const at = this.at;
    const start = t * HOP - HALF;
    const interior = start >= 0 && start + N_FFT <= this.store.total;
    const input = fft.inputView();
    if (interior) {
      k.windowFrame(this.store.pointer(start), at.hann, at.windowed, N_FFT);
      input.set(this.mem.windowed);
    } else {
      const x = this.window(start, N_FFT, 'reflect');
      for (let i = 0; i < N_FFT; i++) input[i] = x[i] * w[i];
    }
    heap.set(fft.transformInput(false), at.spectrum >> 2);
    const rows = this.hpss.rows(t);
    const pow = this.powRow(t);
    const mag = rows.mag;
    k.unpackSpectrum(at.spectrum, rows.re, rows.im, pow, mag, HALF);
    const slot = t & (R - 1);
    // mel power -> dB (power_to_db, ref 1.0; the top_db floor is applied where the values are used)
    k.melBandPairs(pow, at.melBank.table, at.melBank.meta, at.melOut, at.melBank.pairs);
    // 10 log10(max(1e-10, mel)) into the frame-major and the band-major rings (Math.log10's exact operations)
    k.dbRows(at.melOut, MELS, at.dbRing + slot * MELS * 4, at.dbBandRing + slot * 4, R * 4);
    // centroid, bandwidth, roll-off into the scalar ring's slots
    k.spectralShape(mag, BINS, SR / N_FFT, at.scalarRing + (slot * SCALARS + SCALAR.centroid) * 8);
    this.rmsZcr(t, interior);
    if (this.tuning !== null && this.tC === t) {
      k.chroma12(at.chromaBank, pow, at.chromaRing + slot * N_CHROMA * 4, this.chromaPairs);
      this.tC++;
    }
    this.hpss.added();
  }

  /** RMS (reflect padding) and zero-crossing rate (edge padding) of frame t's 2048 raw samples. */
  private rmsZcr(t: number, interior: boolean): void {
    const sc = this.mem.scalars;
    const o = (t & (this.R - 1)) * SCALARS;
    if (interior && t >= 2 && t + 1 < this.blocksDone) {
      const R = this.R;
      let acc = 0;
      let crossings = 0;
      for (let b = t - 2; b <= t + 1; b++) {
        acc += this.sq[b & (R - 1)];
        crossings += this.cross[b & (R - 1)];
      }
      // the window's first sample starts no pair inside it
      crossings -= this.firstPair[(t - 2) & (R - 1)];
      sc[o + SCALAR.rms] = Math.sqrt(acc / N_FFT);
      sc[o + SCALAR.zeroCrossingRate] = crossings / N_FFT;
      return;
    }
    const x = this.window(t * HOP - HALF, N_FFT, 'reflect');
    let acc = 0;
    for (let i = 0; i < N_FFT; i++) acc += x[i] * x[i];
    sc[o + SCALAR.rms] = Math.sqrt(acc / N_FFT);
    const z = this.window(t * HOP - HALF, N_FFT, 'edge');
    const thr = -Math.fround(1e-10);
    let crossings = 0;
    let prev = z[0] < thr ? 1 : 0;
    for (let i = 1; i < N_FFT; i++) {
      const neg = z[i] < thr ? 1 : 0;
      crossings += neg ^ prev;
      prev = neg;
    }
    sc[o + SCALAR.zeroCrossingRate] = crossings / N_FFT;
  }

  /** Frame u of the 512 / 256 STFT: 64-band ln(1 + mel power) for the CNN input. */
  private cnnFrame(u: number): void {
    const fft = realFft(CNN_NFFT);
    const w = cachedHann(CNN_NFFT);
    const at = this.at;
    const start = u * CNN_HOP - CNN_NFFT / 2;
    const input = fft.inputView();
    const k = this.wasm.kernels;
    if (start >= 0 && start + CNN_NFFT <= this.store.total) {
      k.windowFrame(this.store.pointer(start), at.cnnHann, at.windowed, CNN_NFFT);
      input.set(this.mem.cnnWindowed);
    } else {
      const x = this.window(start, CNN_NFFT, 'reflect');
      for (let i = 0; i < CNN_NFFT; i++) input[i] = x[i] * w[i];
    }
    const heap = this.wasm.heap;
    heap.set(fft.transformInput(false), at.cnnSpectrum >> 2);
    const bank = at.cnnMelBank;
    k.powerSpectrum(at.cnnSpectrum, at.cnnRows, CNN_NFFT / 2);
    k.melBandPairs(at.cnnRows, bank.table, bank.meta, at.cnnMelOut, bank.pairs);
    const R2 = 2 * this.R;
    // ln(1 + gain * mel) into the band-major CNN ring (Math.log1p's exact operations)
    k.log1pRows(at.cnnMelOut, CNN_MELS, at.cnnRing + (u & (R2 - 1)) * 4, R2 * 4, CNN_INPUT.gain);
  }
}
