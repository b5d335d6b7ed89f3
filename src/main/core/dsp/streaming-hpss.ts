import { realFft } from './fft.ts';
import type { DspWasm } from './wasm/dsp-wasm.ts';
import { MEDIAN_WIDTH } from './wasm/median-kernel.ts';
import { cachedHann } from './window.ts';

const HALF_WIDTH = MEDIAN_WIDTH >> 1; // 15

/** Sums over one 512-sample block of the harmonic and percussive waveforms (as float32 samples). */
export interface HpssBlock {
  index: number;
  sumH: number;
  sumH2: number;
  sumP: number;
  sumP2: number;
}

/** Where the signal's samples are read from (they must be kept until their block is final: see nextBlock). */
export interface SampleSource {
  /** A view of samples [start, end) of the signal. */
  view(start: number, end: number): Float32Array;
  /** When the samples live in the same WASM memory as the HPSS buffers: the byte offset of sample i. */
  pointer?(i: number): number;
}

/**
 * librosa.effects.hpss over a whole signal, streamed frame by frame on the centred STFT grid (n_fft = 4 hop):
 * the same result as hpssWaveforms on the whole signal, with memory bounded by a few dozen frames.
 *
 *   - percussive median: along frequency, per frame, as soon as four frames are in (one SIMD lane each);
 *   - harmonic median: along time, width 31, for 4 bins per SIMD vector, each group keeping its sorted window
 *     across batches (scipy 'reflect' padding: 15 mirrored frames at the start, 15 more at finish());
 *   - soft mask (float32, as librosa on float32 spectra), masked spectrum, one inverse FFT per frame,
 *     overlap-add with the squared-window sum in float64 as librosa.istft;
 *   - the percussive waveform is the input minus the harmonic one (the masks sum to 1), so instead of the
 *     waveforms, each 512-sample block hands out its sums of h, h^2, p, p^2 once no later frame can change it.
 *
 * The caller writes each frame's re / im / magnitude rows (bins + 3 floats, from DspKernels.unpackSpectrum)
 * where rows(f) says, calls added(), and finally finish(frames).
 */
export class StreamingHpss {
  readonly nFft: number;
  readonly hop: number;
  readonly bins: number;
  private readonly rowFloats: number;
  private readonly rowBytes: number;
  private readonly wasm: DspWasm;
  private readonly samples: SampleSource;
  private readonly onBlock: (b: HpssBlock) => void;
  // time-median input, indexed by q = frame + 15 (q < 15: the mirrored first frames)
  private readonly magQ: number;
  private readonly capQ: number;
  private qBase = 0;
  // per-frame rows, indexed by frame - fBase
  private readonly capF: number;
  private readonly reRows: number;
  private readonly imRows: number;
  private readonly percRows: number;
  private readonly harmRows: number;
  private fBase = 0;
  private readonly timeState: number;
  private readonly freqState: number;
  private readonly inf: number;
  private readonly dummy: number;
  private readonly gather: number;
  private readonly packed: number;
  // progress
  private framesIn = 0;
  private percDone = 0;
  private qDone = 0;
  private harmDone = 0;
  private masked = 0;
  private blocksDone = 0;
  private finished = false;
  // overlap-add ring (float64, in WASM memory), indexed by padded sample position & (ring - 1)
  private readonly ring: number;
  private readonly yAcc: number;
  private readonly wAcc: number;
  private readonly wScaled: number;
  private readonly wSquared: number;
  private readonly frameOut: number;
  private readonly blockSamples: number;
  private readonly sums: number;
  private readonly sumsView: Float64Array;
  private readonly packedView: Float32Array;

  constructor(wasm: DspWasm, samples: SampleSource, onBlock: (b: HpssBlock) => void, nFft = 2048, hop = 512) {
    if (hop * 4 !== nFft) throw new RangeError('StreamingHpss needs hop = n_fft / 4');
    this.nFft = nFft;
    this.hop = hop;
    this.bins = nFft / 2 + 1;
    this.rowFloats = nFft / 2 + 4;
    this.rowBytes = this.rowFloats * 4;
    this.wasm = wasm;
    this.samples = samples;
    this.onBlock = onBlock;
    this.capQ = 160;
    this.capF = 128;
    this.magQ = wasm.alloc(this.capQ * this.rowBytes);
    this.reRows = wasm.alloc(this.capF * this.rowBytes);
    this.imRows = wasm.alloc(this.capF * this.rowBytes);
    this.percRows = wasm.alloc(this.capF * this.rowBytes);
    this.harmRows = wasm.alloc(this.capF * this.rowBytes);
    const groups = this.rowFloats / 4;
    this.timeState = wasm.alloc(groups * 32 * 16);
    this.freqState = wasm.alloc(32 * 16);
    this.inf = wasm.alloc(16);
    this.dummy = wasm.alloc(16);
    this.gather = wasm.alloc((this.bins + 2 * HALF_WIDTH) * 16);
    this.packed = wasm.alloc(nFft * 4);
    const heap = wasm.heap;
    heap.fill(Infinity, this.inf >> 2, (this.inf >> 2) + 4);
    heap.fill(Infinity, this.timeState >> 2, (this.timeState >> 2) + groups * 32 * 4);
    let ring = 1;
    while (ring < 4 * nFft) ring <<= 1;
    this.ring = ring;
    this.yAcc = wasm.alloc(ring * 8);
    this.wAcc = wasm.alloc(ring * 8);
    wasm.heap64.fill(0, this.yAcc >> 3, (this.yAcc >> 3) + ring);
    wasm.heap64.fill(0, this.wAcc >> 3, (this.wAcc >> 3) + ring);
    const w = cachedHann(nFft);
    this.wScaled = wasm.alloc(nFft * 8);
    this.wSquared = wasm.alloc(nFft * 8);
    for (let i = 0; i < nFft; i++) {
      wasm.heap64[(this.wScaled >> 3) + i] = w[i] / nFft; // the inverse FFT's 1/n folded into the window (exact: a power of two)
      wasm.heap64[(this.wSquared >> 3) + i] = w[i] * w[i];
    }
    this.frameOut = wasm.alloc(nFft * 4);
    this.blockSamples = wasm.alloc(hop * 4);
    this.sums = wasm.alloc(32);
    this.sumsView = wasm.heap64.subarray(this.sums >> 3, (this.sums >> 3) + 4);
    this.packedView = wasm.heap.subarray(this.packed >> 2, (this.packed >> 2) + nFft);
  }

  /** Bytes of WASM memory an instance needs. */
  static bytesNeeded(nFft = 2048): number {
    const row = (nFft / 2 + 4) * 4;
    let ring = 1;
    while (ring < 4 * nFft) ring <<= 1;
    const tables = 2 * ring * 8 + 2 * nFft * 8 + nFft * 4 + (nFft / 4) * 4 + 32;
    return (160 + 4 * 128) * row + (nFft / 8 + 1) * 32 * 16 + 32 * 16 + 32 + (nFft / 2 + 1 + 30) * 16 + nFft * 4 + tables + 1024;
  }

  /** The first block (of hop samples) not yet handed out: samples before hop * nextBlock are no longer read. */
  get nextBlock(): number {
    return this.blocksDone;
  }

  private readonly rowPtrs = { re: 0, im: 0, mag: 0 };

  /** Where to write frame f's rows (f must be the next frame). The object is reused: read it right away. */
  rows(f: number): { re: number; im: number; mag: number } {
    if (f !== this.framesIn) throw new RangeError(`StreamingHpss: frame ${f} given, ${this.framesIn} expected`);
    const q = f + HALF_WIDTH;
    if (q - this.qBase >= this.capQ) {
      // keep the rows the time median still reads: the last 31 consumed and everything after
      const keep = Math.max(0, this.qDone - MEDIAN_WIDTH);
      this.wasm.heap.copyWithin(this.magQ / 4, (this.magQ + (keep - this.qBase) * this.rowBytes) / 4, (this.magQ + (q - this.qBase) * this.rowBytes) / 4);
      this.qBase = keep;
    }
    if (f - this.fBase >= this.capF) {
      const keep = Math.min(this.masked, this.percDone);
      for (const base of [this.reRows, this.imRows, this.percRows, this.harmRows]) {
        this.wasm.heap.copyWithin(base / 4, (base + (keep - this.fBase) * this.rowBytes) / 4, (base + (f - this.fBase) * this.rowBytes) / 4);
      }
      this.fBase = keep;
    }
    this.rowPtrs.re = this.fRow(this.reRows, f);
    this.rowPtrs.im = this.fRow(this.imRows, f);
    this.rowPtrs.mag = this.qRow(q);
    return this.rowPtrs;
  }

  /** Frame f (from rows()) is written. */
  added(): void {
    const f = this.framesIn++;
    if (f === HALF_WIDTH - 1) {
      // the mirrored start: q = 0..14 hold frames 14..0
      const heap = this.wasm.heap;
      for (let q = 0; q < HALF_WIDTH; q++) {
        const src = this.qRow(2 * HALF_WIDTH - 1 - q) >> 2; // frame 14 - q is at q' = 29 - q
        heap.copyWithin(this.qRow(q) >> 2, src, src + this.rowFloats);
      }
    }
    if (this.framesIn - this.percDone === 4) this.percussive(4);
    if (this.framesIn >= HALF_WIDTH && this.framesIn + HALF_WIDTH - this.qDone >= 64) this.harmonic(this.framesIn + HALF_WIDTH);
  }

  /** The signal ended after `frames` frames: mirror the last frames, run everything left, hand out all blocks. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    const frames = this.framesIn;
    if (frames < HALF_WIDTH + 1) throw new RangeError(`StreamingHpss needs at least ${HALF_WIDTH + 1} frames (got ${frames})`);
    while (this.percDone < frames) this.percussive(frames - this.percDone >= 4 ? 4 : 1);
    // frames F .. F + 14 mirror F - 1 .. F - 15 (q = F + 15 + j holds frame F - 1 - j)
    const heap = this.wasm.heap;
    for (let j = 0; j < HALF_WIDTH; j++) {
      const q = frames + HALF_WIDTH + j;
      if (q - this.qBase >= this.capQ) {
        const keep = Math.max(0, this.qDone - MEDIAN_WIDTH);
        heap.copyWithin(this.magQ / 4, (this.magQ + (keep - this.qBase) * this.rowBytes) / 4, (this.magQ + (q - this.qBase) * this.rowBytes) / 4);
        this.qBase = keep;
      }
      const src = this.qRow(frames + HALF_WIDTH - 1 - j) >> 2;
      heap.copyWithin(this.qRow(q) >> 2, src, src + this.rowFloats);
    }
    this.harmonic(frames + 2 * HALF_WIDTH);
    this.flushBlocks(frames - 1);
  }

  private qRow(q: number): number {
    return this.magQ + (q - this.qBase) * this.rowBytes;
  }

  private fRow(base: number, f: number): number {
    return base + (f - this.fBase) * this.rowBytes;
  }

  /** Percussive (frequency) medians of the next `count` frames: 4 (one per lane), or 1 (in every lane). */
  private percussive(count: number): void {
    const k = this.wasm.kernels;
    const f = this.percDone;
    const q = f + HALF_WIDTH;
    const last = count - 1;
    k.gatherReflect4(this.qRow(q), this.qRow(q + Math.min(1, last)), this.qRow(q + Math.min(2, last)), this.qRow(q + last), this.gather, this.bins, HALF_WIDTH);
    this.wasm.heap.fill(Infinity, this.freqState >> 2, (this.freqState >> 2) + 32 * 4);
    const lane = count === 4 ? this.rowBytes : 0;
    const dst = this.fRow(this.percRows, f);
    const W = MEDIAN_WIDTH;
    // steps 0..29 fill the window (outputs discarded), step 30 gives bin 0, step 30 + k gives bin k
    k.median31x4Scatter(this.freqState, this.gather, this.inf, 16, 0, this.dummy, 0, W - 1, 0);
    k.median31x4Scatter(this.freqState, this.gather + (W - 1) * 16, this.inf, 16, 0, dst, 4, 1, lane);
    k.median31x4Scatter(this.freqState, this.gather + W * 16, this.gather, 16, 16, dst + 4, 4, this.bins - 1, lane);
    this.percDone += count;
  }

  /** Harmonic (time) medians for every q below qEnd, then masks and inverse transforms of the frames done. */
  private harmonic(qEnd: number): void {
    const k = this.wasm.kernels;
    const W = MEDIAN_WIDTH;
    const q0 = this.qDone;
    if (qEnd <= q0) return;
    const stride = this.rowBytes;
    const groups = this.rowFloats / 4;
    for (let g = 0; g < groups; g++) {
      const state = this.timeState + g * 512;
      const col = g * 16;
      let q = q0;
      if (q < W - 1) {
        const n = Math.min(qEnd, W - 1) - q;
        k.median31x4(state, this.qRow(q) + col, this.inf, stride, 0, this.dummy, 0, n);
        q += n;
      }
      if (q === W - 1 && q < qEnd) {
        k.median31x4(state, this.qRow(q) + col, this.inf, stride, 0, this.fRow(this.harmRows, 0) + col, stride, 1);
        q++;
      }
      if (q < qEnd) k.median31x4(state, this.qRow(q) + col, this.qRow(q - W) + col, stride, stride, this.fRow(this.harmRows, q - (W - 1)) + col, stride, qEnd - q);
    }
    this.qDone = qEnd;
    this.harmDone = Math.max(0, qEnd - (W - 1));
    const upTo = Math.min(this.harmDone, this.percDone);
    while (this.masked < upTo) this.invert(this.masked++);
  }

  /** Masked inverse transform of frame f, overlap-added; then the blocks no later frame reaches. */
  private invert(f: number): void {
    const fft = realFft(this.nFft);
    this.wasm.kernels.hpssMaskPacked(
      this.fRow(this.harmRows, f), this.fRow(this.percRows, f), this.fRow(this.reRows, f), this.fRow(this.imRows, f), this.packed, this.nFft / 2,
    );
    fft.inputView().set(this.packedView);
    this.wasm.heap.set(fft.transformInput(true), this.frameOut >> 2);
    // positions before the signal's start (the centre padding) are never handed out: skip them, so the ring
    // holds nothing stale when it wraps; a frame wraps the ring at most once (pieces are multiples of hop)
    const k = this.wasm.kernels;
    const p0 = f * this.hop;
    let i = Math.max(0, this.nFft / 2 - p0);
    while (i < this.nFft) {
      const j = (p0 + i) & (this.ring - 1);
      const count = Math.min(this.nFft - i, this.ring - j);
      k.olaAdd(this.frameOut + 4 * i, this.wScaled + 8 * i, this.wSquared + 8 * i, this.yAcc + 8 * j, this.wAcc + 8 * j, count);
      i += count;
    }
    // block b (output samples hop*b ..) = padded positions hop*(b+2) ..: final once frame b + 2 is in
    this.flushBlocks(f - 1);
  }

  /** Hands out blocks below `end` (exclusive). */
  private flushBlocks(end: number): void {
    const hop = this.hop;
    const pad = this.nFft / 2;
    const k = this.wasm.kernels;
    const sums = this.sumsView;
    while (this.blocksDone < end) {
      const b = this.blocksDone++;
      let samples = this.blockSamples;
      if (this.samples.pointer) samples = this.samples.pointer(b * hop);
      else this.wasm.heap.set(this.samples.view(b * hop, b * hop + hop), this.blockSamples >> 2);
      const j = (b * hop + pad) & (this.ring - 1); // a block never wraps (ring and positions are multiples of hop)
      k.hpssFlush(this.yAcc + 8 * j, this.wAcc + 8 * j, samples, hop, this.sums);
      this.onBlock({ index: b, sumH: sums[0], sumH2: sums[1], sumP: sums[2], sumP2: sums[3] });
    }
  }
}
