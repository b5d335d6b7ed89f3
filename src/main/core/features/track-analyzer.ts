import { cachedChromaFilterbank } from '../dsp/chroma.ts';
import { realFft } from '../dsp/fft.ts';
import { cachedMelFilterbank } from '../dsp/mel.ts';
import { cachedDctMatrix } from '../dsp/mfcc.ts';
import { onsetMedianFrame } from '../dsp/onset.ts';
import { padIndex } from '../dsp/pad.ts';
import type { PadMode } from '../dsp/pad.ts';
import { StreamingHpss } from '../dsp/streaming-hpss.ts';
import type { HpssBlock } from '../dsp/streaming-hpss.ts';
import { beatTrackTempo, certainTempoFromMeanTempogram, tempoFromMeanTempogram, tempogramWindow } from '../dsp/tempo.ts';
import { WasmTempogram } from '../dsp/tempogram-wasm.ts';
import { PitchPeakCollector, piptrackBinRange, tuningFromPeaks } from '../dsp/tuning.ts';
import { DspWasm } from '../dsp/wasm/dsp-wasm.ts';
import { chromaBankTBytes, wasmF64, wasmMelBank, wasmMelBankBytes, writeChromaBankT } from '../dsp/wasm/kernel-tables.ts';
import type { WasmMelBank } from '../dsp/wasm/kernel-tables.ts';
import { cachedHann } from '../dsp/window.ts';
import type { ClipAnalysis, SegmentAnalysis } from './analysis-results.ts';
import { GTZAN_FEATURE_COUNT } from './gtzan-feature-names.ts';
import type { StageTimes } from './gtzan-features.ts';
import { SampleStore } from './sample-store.ts';
import { CNN_INPUT, MLFI_INPUT } from './segment-inputs.ts';
import { SEGMENT_FRAMES, SEGMENT_HOP_FRAMES, SEGMENT_SAMPLES, segmentStarts } from './segmenter.ts';

const SR = 22050;
const N_FFT = 2048;
const HOP = 512;
const HALF = N_FFT / 2;
const BINS = HALF + 1;
/** Spectrum rows in WASM memory: bins padded to a multiple of 4 floats. */
const ROW = HALF + 4;
const MELS = 128;
const N_MFCC = 20;
const N_CHROMA = 12;
const TOP_DB = 80;
/** Per-frame scalars kept in the ring: rms, centroid, bandwidth, rolloff, zero-crossing rate. */
const SCALARS = 5;
const TG = tempogramWindow({ sr: SR, hop: HOP });
const TG_HALF = TG >> 1;
const CNN_NFFT = CNN_INPUT.nFft;
const CNN_HOP = CNN_INPUT.hop;
const CNN_BINS = CNN_NFFT / 2 + 1;
const CNN_MELS = CNN_INPUT.mels;
/** Tempogram block sums kept (a ring of 65-frame blocks; must span the rings' lag). */
const TG_BLOCKS = 128;
/** Samples held (in WASM memory): at most one pushed piece plus the stages' lag (a few thousand samples). */
const STORE_SAMPLES = 1 << 18;
/** push() feeds chunks in pieces of at most this many samples. */
const PIECE = 1 << 16;

export interface TrackAnalyzerOptions {
  /** Longest clip for the clip-level features (default 60 s of samples). */
  clipMaxSamples?: number;
  /** Which segment outputs to compute (false: no segments at all). */
  segments?: false | { features?: boolean; cnn?: boolean; mlfi?: boolean };
  /** Called with each segment once it is complete, in order. */
  onSegment?: (s: SegmentAnalysis) => void;
  /** Stage timings (ms) are added here. */
  times?: StageTimes;
}

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

/** The buffers of one analysis (about 30 MB), reused by the next analysis in the same thread. */
interface EngineBuffers {
  R: number;
  wasm: DspWasm;
  blocks: Float64Array;
  sq: Float64Array;
  cross: Int32Array;
  firstPair: Uint8Array;
}

/** Idle buffers by ring size: allocating and collecting 30 MB per track cost ~10% of the analysis time. */
const idleBuffers = new Map<number, EngineBuffers>();

function wasmBytes(R: number): number {
  const melFb = cachedMelFilterbank(SR, N_FFT, { nMels: MELS });
  const cnnFb = cachedMelFilterbank(SR, CNN_NFFT, { nMels: CNN_MELS });
  const cnnRow = CNN_NFFT / 2 + 4;
  return (
    StreamingHpss.bytesNeeded(N_FFT) +
    R * (ROW * 4 + MELS * 4 + N_CHROMA * 4 + SCALARS * 8) +
    N_FFT * 4 +
    wasmMelBankBytes(melFb) +
    2 * chromaBankTBytes(BINS) +
    N_MFCC * MELS * 8 +
    MELS * 8 +
    SEGMENT_FRAMES * N_MFCC * 4 +
    MELS * 4 +
    64 +
    2 * BINS * 4 +
    STORE_SAMPLES * 4 +
    (N_FFT + CNN_NFFT) * 12 +
    64 +
    R * TG * 4 +
    TG_BLOCKS * TG * 8 +
    R * MELS * 4 +
    2 * R * CNN_MELS * 4 +
    2 * (R + 2 * TG) * 4 +
    TG * 12 +
    WasmTempogram.bytesNeeded(TG) +
    CNN_NFFT * 4 +
    4 * cnnRow * 4 +
    CNN_MELS * 4 +
    wasmMelBankBytes(cnnFb) +
    64 * 32
  );
}

function takeBuffers(R: number): EngineBuffers {
  const idle = idleBuffers.get(R);
  if (idle) {
    idleBuffers.delete(R);
    idle.wasm.reset();
    return idle;
  }
  return {
    R,
    wasm: new DspWasm(wasmBytes(R)),
    blocks: new Float64Array(R * 4),
    sq: new Float64Array(R),
    cross: new Int32Array(R),
    firstPair: new Uint8Array(R),
  };
}

/**
 * The analysis engine: the whole track computed once, streamed, on one frame grid (n_fft 2048, hop 512,
 * centred frames with reflect padding at the track's edges), every segment and the clip sliced from it.
 *
 * Per frame (in order, as samples arrive): the STFT (PFFFT), power and magnitude (WASM), the 128-band mel
 * spectrum in dB (not yet floored), spectral centroid / bandwidth / roll-off, RMS and zero-crossing rate;
 * HPSS streamed (StreamingHpss: exact medians, one inverse STFT, per-block sums); the 512 / 256 STFT's 64-band
 * ln(1 + mel) frames for the CNN. Track references, estimated once from the first min(track, clip limit)
 * frames (the whole track when it is no longer than the clip): the chroma tuning (librosa's estimate_tuning)
 * and the dB floor of the onset envelope (that window's maximum - 80 dB). With them: chroma per frame, the
 * onset envelope, and the autocorrelation tempogram per frame (float32).
 *
 * A segment (3 s = frames f0 .. f0 + 129, f0 a multiple of 65, or the last one aligned to the end) takes its
 * 57 features, MLFI input and CNN input from those arrays. Compared with librosa on the 3 s window alone:
 *   - frames 0, 1, 128, 129 (whose 2048-sample windows reach outside the segment) see the track's real
 *     samples instead of the segment's reflect padding: every frame-wise feature (chroma, RMS, ZCR, spectral,
 *     MFCC, the MLFI input) differs only there; the CNN input only in its frame 0;
 *   - chroma uses the track's tuning, not one estimated from the 3 s;
 *   - harmony / perceptr: the median filters see 15 real frames beyond the segment's edges instead of
 *     mirrored ones, so the separation differs in frames 0..16 and 113..129; the last 102 samples (which
 *     librosa's inverse STFT of the window leaves at 0) are counted as 0, as librosa does;
 *   - tempo: the tempogram frames of the segment are the track's (an 8 s window of the track's onset envelope
 *     around each frame, with the track's dB floor), not those of a 3 s envelope ramp-padded to 8 s;
 *   - the MFCCs' and the MLFI input's dB floor is the segment's own maximum - 80 dB, as librosa's.
 * A track no longer than the clip limit is the clip: its features come from the same arrays with exactly
 * librosa's semantics (its own tuning and floor, reflect padding at its edges, float64 tempogram). A longer
 * track's clip is its centred window (start on the 512 grid), analysed with its own tuning, floor and
 * tempogram; only its edge frames see real samples.
 */
export class TrackAnalyzer {
  private readonly clipMax: number;
  private readonly clipFrames: number;
  private readonly refFrames: number;
  private readonly R: number;
  private readonly wantSegments: boolean;
  private readonly wantFeatures: boolean;
  private readonly wantCnn: boolean;
  private readonly wantMlfi: boolean;
  private readonly onSegment: (s: SegmentAnalysis) => void;
  private readonly times: StageTimes | undefined;

  private readonly store: SampleStore;
  private readonly buffers: EngineBuffers;
  private readonly head = new Float32Array(SEGMENT_SAMPLES);
  private readonly wasm: DspWasm;
  private readonly hpss: StreamingHpss;

  // WASM memory: spectra, tables, per-frame rings (slot = frame & (R - 1))
  private readonly specPtr: number;
  private readonly powRing: number;
  private readonly dbRing: number;
  private readonly chromaRing: number;
  private readonly scalarRing: number;
  private readonly melBank: WasmMelBank;
  private readonly chromaT: number;
  private readonly chromaT2: number;
  private chromaPairs = 0;
  private readonly dct: number;
  private readonly dctScratch: number;
  private readonly mfccOut: number;
  private readonly melOut: number;
  private readonly chromaOut: number;
  private readonly peakPitch: number;
  private readonly peakMag: number;
  private readonly hann: number;
  private readonly cnnHann: number;
  private readonly windowed: number;
  private readonly windowedView: Float32Array;
  private readonly cnnWindowedView: Float32Array;
  private readonly statsOut: number;
  private readonly cnnSpec: number;
  private readonly cnnRows: number;
  private readonly cnnMelOut: number;
  private readonly cnnBank: WasmMelBank;
  // views of those rings
  private readonly db: Float32Array;
  private readonly chroma: Float32Array;
  private readonly scalars: Float64Array;
  /**
   * The onset envelope, linear and padded as the tempogram reads it (onset j at onsetView[j + TG / 2 - origin];
   * zeros before onset 0, librosa's linear ramp after the last one), so a tempogram frame is one contiguous run.
   */
  private readonly onsetLin: number;
  private readonly onsetView: Float32Array;
  private readonly onsetCap: number;
  private origin = 0;
  private rampDone = false;
  /** Tempogram frames (frame t at row t & (R - 1)) and their float64 sums per 65-frame block (a segment is two). */
  private readonly tgRing: number;
  private readonly tg: Float32Array;
  private readonly tgBlockSums: number;
  private readonly tgBlocks: Float64Array;
  private readonly tempogram: WasmTempogram;
  private readonly clipOnset: number;
  private readonly clipSums: number;
  private readonly tgScratch: number;
  // JS rings: CNN frames, HPSS block sums, RMS / ZCR block sums
  /** CNN frames, band-major: band m of CNN frame u at cnn[m * 2R + (u & (2R - 1))] (segments copy runs of it). */
  private readonly cnnRing: number;
  private readonly cnn: Float32Array;
  /** The dB ring again, band-major (band m of frame t at dbBands[m * R + (t & (R - 1))]), for the MLFI input. */
  private readonly dbBandRing: number;
  private readonly dbBands: Float32Array;
  private readonly blocks: Float64Array;
  private readonly sq: Float64Array;
  private readonly cross: Int32Array;
  private readonly firstPair: Uint8Array;
  private sampleBlocks = 0;

  private readonly frameBuf = new Float32Array(N_FFT);

  // progress: frames with the STFT stage done, chroma, onset, tempogram; CNN frames
  private tA = 0;
  private tC = 0;
  private tO = 0;
  private tT = 0;
  private uA = 0;
  private n = -1;
  private declared = -1;
  private clipStart = 0;
  private clipResult: ClipAnalysis | null = null;
  private tuning: number | null = null;
  private floorRef = -Infinity;
  private nextSegment = 0;
  private emitted = 0;

  constructor(options: TrackAnalyzerOptions = {}) {
    this.clipMax = options.clipMaxSamples ?? 60 * SR;
    this.clipFrames = 1 + Math.floor(this.clipMax / HOP);
    this.refFrames = this.clipFrames;
    let R = 1024;
    while (R < this.clipFrames + 2 * TG + 2 * SEGMENT_FRAMES + 256) R <<= 1;
    this.R = R;
    const seg = options.segments ?? {};
    this.wantSegments = seg !== false;
    this.wantFeatures = seg !== false && (seg.features ?? true);
    this.wantCnn = seg !== false && (seg.cnn ?? true);
    this.wantMlfi = seg !== false && (seg.mlfi ?? true);
    this.onSegment = options.onSegment ?? (() => {});
    this.times = options.times;
    const melFb = cachedMelFilterbank(SR, N_FFT, { nMels: MELS });
    const cnnFb = cachedMelFilterbank(SR, CNN_NFFT, { nMels: CNN_MELS });
    this.buffers = takeBuffers(R);
    this.wasm = this.buffers.wasm;
    const wasm = this.wasm;
    const storeAt = wasm.alloc(STORE_SAMPLES * 4);
    this.store = new SampleStore(STORE_SAMPLES, { array: new Float32Array(wasm.memory.buffer, storeAt, STORE_SAMPLES), wasmOffset: storeAt });
    this.hpss = new StreamingHpss(wasm, this.store, (b) => this.onBlock(b), N_FFT, HOP);
    this.specPtr = wasm.alloc(N_FFT * 4);
    this.powRing = wasm.alloc(R * ROW * 4);
    this.dbRing = wasm.alloc(R * MELS * 4);
    this.chromaRing = wasm.alloc(R * N_CHROMA * 4);
    this.scalarRing = wasm.alloc(R * SCALARS * 8);
    this.melBank = wasmMelBank(wasm, melFb);
    this.chromaT = wasm.alloc(chromaBankTBytes(BINS));
    this.chromaT2 = wasm.alloc(chromaBankTBytes(BINS));
    this.dct = wasmF64(wasm, cachedDctMatrix(N_MFCC, MELS));
    this.dctScratch = wasm.alloc(MELS * 8);
    this.mfccOut = wasm.alloc(SEGMENT_FRAMES * N_MFCC * 4);
    this.melOut = wasm.alloc(MELS * 4);
    this.chromaOut = wasm.alloc(64);
    this.peakPitch = wasm.alloc(BINS * 4);
    this.peakMag = wasm.alloc(BINS * 4);
    this.hann = wasmF64(wasm, cachedHann(N_FFT));
    this.cnnHann = wasmF64(wasm, cachedHann(CNN_NFFT));
    this.windowed = wasm.alloc(N_FFT * 4);
    this.windowedView = new Float32Array(wasm.memory.buffer, this.windowed, N_FFT);
    this.cnnWindowedView = new Float32Array(wasm.memory.buffer, this.windowed, CNN_NFFT);
    this.statsOut = wasm.alloc(16);
    this.cnnSpec = wasm.alloc(CNN_NFFT * 4);
    this.cnnRows = wasm.alloc(4 * (CNN_NFFT / 2 + 4) * 4);
    this.cnnMelOut = wasm.alloc(CNN_MELS * 4);
    this.cnnBank = wasmMelBank(wasm, cnnFb);
    const buf = wasm.memory.buffer;
    this.db = new Float32Array(buf, this.dbRing, R * MELS);
    this.chroma = new Float32Array(buf, this.chromaRing, R * N_CHROMA);
    this.scalars = new Float64Array(buf, this.scalarRing, R * SCALARS);
    const b = this.buffers;
    this.onsetCap = R + 2 * TG;
    this.onsetLin = wasm.alloc(this.onsetCap * 4);
    this.onsetView = new Float32Array(buf, this.onsetLin, this.onsetCap);
    this.onsetView.fill(0, 0, TG_HALF); // the left padding: a ramp from onset[0], which is always 0
    this.tgRing = wasm.alloc(R * TG * 4);
    this.tg = new Float32Array(buf, this.tgRing, R * TG);
    this.tgBlockSums = wasm.alloc(TG_BLOCKS * TG * 8);
    this.tgBlocks = new Float64Array(buf, this.tgBlockSums, TG_BLOCKS * TG);
    this.tempogram = new WasmTempogram(wasm, TG);
    this.clipOnset = wasm.alloc((R + 2 * TG) * 4);
    this.clipSums = wasm.alloc(TG * 8);
    this.tgScratch = wasm.alloc(TG * 4);
    this.cnnRing = wasm.alloc(2 * R * CNN_MELS * 4);
    this.cnn = new Float32Array(buf, this.cnnRing, 2 * R * CNN_MELS);
    this.dbBandRing = wasm.alloc(R * MELS * 4);
    this.dbBands = new Float32Array(buf, this.dbBandRing, R * MELS);
    this.blocks = b.blocks;
    this.sq = b.sq;
    this.cross = b.cross;
    this.firstPair = b.firstPair;
  }

  /** The container's duration in samples (centres the clip of a long track); call before pushing audio. */
  setDeclaredSamples(samples: number): void {
    this.declared = samples;
    if (samples > this.clipMax) {
      const start = Math.floor(Math.floor((samples - this.clipMax) / 2) / HOP) * HOP;
      // a duration that arrives late only moves the clip if the analysis has not passed its start yet
      if (start / HOP >= this.tA) this.clipStart = start;
    }
  }

  get samplesSeen(): number {
    return this.store.total;
  }

  get segmentCount(): number {
    return this.emitted;
  }

  /** The whole signal when it is shorter than one segment (finish() does not take those: see analyzeSignal). */
  shortSignal(): Float32Array | null {
    return this.store.total < SEGMENT_SAMPLES ? this.head.subarray(0, this.store.total) : null;
  }

  push(chunk: Float32Array): void {
    if (this.n >= 0) throw new Error('TrackAnalyzer: push after finish');
    for (let o = 0; o < chunk.length; o += PIECE) {
      const piece = chunk.subarray(o, Math.min(chunk.length, o + PIECE));
      const seen = this.store.total;
      if (seen < SEGMENT_SAMPLES) this.head.set(piece.subarray(0, SEGMENT_SAMPLES - seen), seen);
      this.store.append(piece, this.keepFrom());
      this.advance();
    }
  }

  /**
   * The track ended: runs the stages over the last frames (reflect padding at the end), emits the remaining
   * segments and returns the clip. Tracks shorter than one segment are analysed by the caller (see
   * analyzeSignal): this needs at least SEGMENT_SAMPLES samples.
   */
  finish(): ClipAnalysis {
    if (this.n >= 0 && this.clipResult) return this.clipResult;
    const n = this.store.total;
    if (n < SEGMENT_SAMPLES) throw new RangeError(`TrackAnalyzer needs at least ${SEGMENT_SAMPLES} samples (got ${n})`);
    this.n = n;
    this.advance();
    this.timed('hpss', () => this.hpss.finish());
    this.advance();
    if (!this.clipResult) {
      if (n > this.clipMax && (this.clipStart / HOP + this.clipFrames > this.tA || this.clipStart / HOP < this.tA - this.R + 64)) {
        // the planned clip ran past the end (a wrong declared duration): take the last clip-length window
        this.clipStart = Math.floor((n - this.clipMax) / HOP) * HOP;
      }
      this.clipResult = this.timed('clip', () => this.computeClip());
    }
    // segments: the regular ones left, then the one aligned to the end
    const starts = segmentStarts(n);
    while (this.wantSegments && this.nextSegment < starts.length) {
      const s = starts[this.nextSegment];
      this.emitSegment(this.nextSegment++, s / HOP);
    }
    // nothing reads the buffers any more (every output is a copy): the next analysis in this thread takes them
    idleBuffers.set(this.R, this.buffers);
    return this.clipResult;
  }

  /** The first sample any stage still reads (with room for the end's reflect padding). */
  private keepFrom(): number {
    let k = Math.min(this.tA * HOP - HALF, this.hpss.nextBlock * HOP, this.sampleBlocks * HOP);
    if (this.wantCnn) k = Math.min(k, this.uA * CNN_HOP - CNN_NFFT / 2);
    return Math.max(0, k - N_FFT - 4);
  }

  private timed<T>(stage: string, f: () => T): T {
    if (!this.times) return f();
    const t0 = performance.now();
    const r = f();
    this.times[stage] = (this.times[stage] ?? 0) + performance.now() - t0;
    return r;
  }

  /** Runs every stage as far as the samples (and, at the end, the track's length) allow. */
  private advance(): void {
    const total = this.store.total;
    const end = this.n >= 0;
    this.sampleBlockSums(Math.floor(total / HOP));
    const frameLimit = end ? 1 + Math.floor(this.n / HOP) : Math.max(0, Math.floor((total - HALF) / HOP) + 1);
    if (this.tA < frameLimit) this.timed('stft+frames', () => {
      while (this.tA < frameLimit) this.frame(this.tA++);
    });
    if (this.wantCnn) {
      const cnnLimit = end ? 1 + Math.floor(this.n / CNN_HOP) : Math.max(0, Math.floor((total - CNN_NFFT / 2) / CNN_HOP) + 1);
      if (this.uA < cnnLimit) this.timed('cnn frames', () => {
        while (this.uA < cnnLimit) this.cnnFrame(this.uA++);
      });
    }
    if (this.tuning === null && (this.tA >= this.refFrames || end)) this.timed('references', () => this.references());
    if (this.tuning !== null) {
      if (this.tC < this.tA) this.timed('chroma', () => {
        const k = this.wasm.kernels;
        for (; this.tC < this.tA; this.tC++) k.chroma12(this.chromaT, this.powRow(this.tC), this.chromaRing + (this.tC & (this.R - 1)) * N_CHROMA * 4, this.chromaPairs);
      });
      // the track's envelope feeds the segments' tempogram, and is the clip's when the track is the clip (a
      // track past refFrames frames is longer than the clip: without segments, nothing needs it then)
      const wanted = this.wantSegments || this.tA <= this.refFrames;
      if (wanted && this.tO < this.tA) this.timed('onset', () => {
        for (; this.tO < this.tA; this.tO++) this.putOnset(this.tO, this.onsetAt(this.tO, this.floorRef));
      });
      if (end && this.tO === this.tA && !this.rampDone) {
        // librosa pads the envelope's end with a linear ramp from its last value down to 0
        this.rampDone = true;
        const last = this.tA - 1;
        const edge = this.onsetView[last + TG_HALF - this.origin];
        for (let j = last + 1; j <= last + TG_HALF; j++) this.putOnset(j, (edge / TG_HALF) * (last + TG_HALF - j));
      }
      const tgLimit = end ? this.tA : this.tO - TG_HALF;
      if (this.wantSegments && this.tT < tgLimit) this.timed('tempogram', () => {
        for (; this.tT < tgLimit; this.tT++) this.tempogramFrame(this.tT);
      });
    }
    // a long track's clip, as soon as its frames are in (an unknown duration keeps it at the start)
    const long = this.declared > this.clipMax || (this.declared < 0 && total > this.clipMax);
    if (!this.clipResult && long && this.clipReady()) this.clipResult = this.timed('clip', () => this.computeClip());
    if (this.wantSegments && !end) {
      for (;;) {
        const f0 = this.nextSegment * SEGMENT_HOP_FRAMES;
        if (f0 * HOP + SEGMENT_SAMPLES > total || !this.segmentReady(f0)) break;
        this.emitSegment(this.nextSegment++, f0);
      }
    }
  }

  /**
   * Per 512-sample block b (samples [512 b, 512 b + 512)): the sum of squares and the zero crossings between
   * consecutive samples inside it and with the previous block's last sample, so an interior frame's RMS and
   * zero-crossing rate add four blocks instead of reading 2048 samples.
   */
  private sampleBlockSums(upTo: number): void {
    const R = this.R;
    const thr = -Math.fround(1e-10);
    const k = this.wasm.kernels;
    const out = this.statsOut;
    for (; this.sampleBlocks < upTo; this.sampleBlocks++) {
      const b = this.sampleBlocks;
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

  private powRow(t: number): number {
    return this.powRing + (t & (this.R - 1)) * ROW * 4;
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
    const start = t * HOP - HALF;
    const interior = start >= 0 && start + N_FFT <= this.store.total;
    const input = fft.inputView();
    if (interior) {
      k.windowFrame(this.store.pointer(start), this.hann, this.windowed, N_FFT);
      input.set(this.windowedView);
    } else {
      const x = this.window(start, N_FFT, 'reflect');
      for (let i = 0; i < N_FFT; i++) input[i] = x[i] * w[i];
    }
    heap.set(fft.transformInput(false), this.specPtr >> 2);
    const rows = this.hpss.rows(t);
    const pow = this.powRow(t);
    const mag = rows.mag;
    k.unpackSpectrum(this.specPtr, rows.re, rows.im, pow, mag, HALF);
    const slot = t & (R - 1);
    // mel power -> dB (power_to_db, ref 1.0; the top_db floor is applied where the values are used)
    k.melBandPairs(pow, this.melBank.table, this.melBank.meta, this.melOut, this.melBank.pairs);
    // 10 log10(max(1e-10, mel)) into the frame-major and the band-major rings (Math.log10's exact operations)
    k.dbRows(this.melOut, MELS, this.dbRing + slot * MELS * 4, this.dbBandRing + slot * 4, R * 4);
    // centroid, bandwidth, roll-off into the scalar ring's slots 1..3
    k.spectralShape(mag, BINS, SR / N_FFT, this.scalarRing + (slot * SCALARS + 1) * 8);
    this.rmsZcr(t, interior);
    if (this.tuning !== null && this.tC === t) {
      k.chroma12(this.chromaT, pow, this.chromaRing + slot * N_CHROMA * 4, this.chromaPairs);
      this.tC++;
    }
    this.hpss.added();
  }

  /** RMS (reflect padding) and zero-crossing rate (edge padding) of frame t's 2048 raw samples. */
  private rmsZcr(t: number, interior: boolean): void {
    const sc = this.scalars;
    const o = (t & (this.R - 1)) * SCALARS;
    if (interior && t >= 2 && t + 1 < this.sampleBlocks) {
      const R = this.R;
      let acc = 0;
      let crossings = 0;
      for (let b = t - 2; b <= t + 1; b++) {
        acc += this.sq[b & (R - 1)];
        crossings += this.cross[b & (R - 1)];
      }
      // the window's first sample starts no pair inside it
      crossings -= this.firstPair[(t - 2) & (R - 1)];
      sc[o] = Math.sqrt(acc / N_FFT);
      sc[o + 4] = crossings / N_FFT;
      return;
    }
    const x = this.window(t * HOP - HALF, N_FFT, 'reflect');
    let acc = 0;
    for (let i = 0; i < N_FFT; i++) acc += x[i] * x[i];
    sc[o] = Math.sqrt(acc / N_FFT);
    const z = this.window(t * HOP - HALF, N_FFT, 'edge');
    const thr = -Math.fround(1e-10);
    let crossings = 0;
    let prev = z[0] < thr ? 1 : 0;
    for (let i = 1; i < N_FFT; i++) {
      const neg = z[i] < thr ? 1 : 0;
      crossings += neg ^ prev;
      prev = neg;
    }
    sc[o + 4] = crossings / N_FFT;
  }

  /** Frame u of the 512 / 256 STFT: 64-band ln(1 + mel power) for the CNN input. */
  private cnnFrame(u: number): void {
    const fft = realFft(CNN_NFFT);
    const w = cachedHann(CNN_NFFT);
    const start = u * CNN_HOP - CNN_NFFT / 2;
    const input = fft.inputView();
    const k = this.wasm.kernels;
    if (start >= 0 && start + CNN_NFFT <= this.store.total) {
      k.windowFrame(this.store.pointer(start), this.cnnHann, this.windowed, CNN_NFFT);
      input.set(this.cnnWindowedView);
    } else {
      const x = this.window(start, CNN_NFFT, 'reflect');
      for (let i = 0; i < CNN_NFFT; i++) input[i] = x[i] * w[i];
    }
    const heap = this.wasm.heap;
    heap.set(fft.transformInput(false), this.cnnSpec >> 2);
    const bank = this.cnnBank;
    k.powerSpectrum(this.cnnSpec, this.cnnRows, CNN_NFFT / 2);
    k.melBandPairs(this.cnnRows, bank.table, bank.meta, this.cnnMelOut, bank.pairs);
    const R2 = 2 * this.R;
    // ln(1 + gain * mel) into the band-major CNN ring (Math.log1p's exact operations)
    k.log1pRows(this.cnnMelOut, CNN_MELS, this.cnnRing + (u & (R2 - 1)) * 4, R2 * 4, CNN_INPUT.gain);
  }

  private onBlock(b: HpssBlock): void {
    const o = (b.index & (this.R - 1)) * 4;
    this.blocks[o] = b.sumH;
    this.blocks[o + 1] = b.sumH2;
    this.blocks[o + 2] = b.sumP;
    this.blocks[o + 3] = b.sumP2;
  }

  /** Tuning and onset floor from frames [0, min(frames so far, refFrames)). */
  private references(): void {
    const end = Math.min(this.tA, this.refFrames);
    this.tuning = this.tuningOf(0, end);
    this.floorRef = this.maxDb(0, end) - TOP_DB;
    this.chromaPairs = writeChromaBankT(this.wasm, cachedChromaFilterbank(SR, N_FFT, { tuning: this.tuning }), BINS, this.chromaT);
  }

  /** librosa's estimate_tuning over the power spectra of frames [from, to) (piptrack in WASM, bit-exact). */
  private tuningOf(from: number, to: number): number {
    const peaks = new PitchPeakCollector();
    const heap = this.wasm.heap;
    const { kLo, kHi } = piptrackBinRange(BINS, SR, N_FFT);
    const k = this.wasm.kernels;
    const po = this.peakPitch >> 2;
    const mo = this.peakMag >> 2;
    for (let t = from; t < to; t++) {
      const count = k.piptrack(this.powRow(t), BINS, kLo, kHi, 0.1, SR, N_FFT, this.peakPitch, this.peakMag);
      for (let i = 0; i < count; i++) peaks.push(heap[po + i], heap[mo + i]);
    }
    return tuningFromPeaks(peaks, 0.01, N_CHROMA);
  }

  private maxDb(from: number, to: number): number {
    let max = -Infinity;
    const db = this.db;
    for (let t = from; t < to; t++) {
      const o = (t & (this.R - 1)) * MELS;
      for (let m = o; m < o + MELS; m++) if (db[m] > max) max = db[m];
    }
    return max;
  }

  /** onset_strength(median) at frame t of an envelope starting at frame `from` (its first 3 values are 0). */
  private onsetAt(t: number, floor: number, from = 0): number {
    if (t - from < 3) return 0;
    const R = this.R;
    return onsetMedianFrame(this.db, ((t - 3) & (R - 1)) * MELS, this.db, ((t - 2) & (R - 1)) * MELS, MELS, floor);
  }

  /** Stores onset value j in the linear buffer, first dropping what no tempogram frame will read again. */
  private putOnset(j: number, v: number): void {
    let pos = j + TG_HALF - this.origin;
    if (pos >= this.onsetCap) {
      // the next tempogram frame reads from onset tT - TG/2, i.e. position tT - origin
      const shift = Math.min(this.tT, j) - this.origin;
      this.onsetView.copyWithin(0, shift, pos);
      this.origin += shift;
      pos -= shift;
    }
    this.onsetView[pos] = v;
  }

  /** Tempogram frame t (float32, in WASM) of the track's onset envelope, added to its 65-frame block's sums. */
  private tempogramFrame(t: number): void {
    const blk = Math.floor(t / SEGMENT_HOP_FRAMES);
    const bo = (blk % TG_BLOCKS) * TG;
    if (t % SEGMENT_HOP_FRAMES === 0) this.tgBlocks.fill(0, bo, bo + TG);
    this.tempogram.frame(this.onsetLin + 4 * (t - this.origin), this.tgRing + (t & (this.R - 1)) * TG * 4, this.tgBlockSums + bo * 8);
  }

  private segmentReady(f0: number): boolean {
    const end = f0 + SEGMENT_FRAMES;
    if (this.tA < end || this.tC < end || this.tT < end || this.hpss.nextBlock < end - 1) return false;
    return !this.wantCnn || this.uA >= 2 * f0 + CNN_INPUT.frames;
  }

  private clipReady(): boolean {
    const f0 = this.clipStart / HOP;
    return this.tA >= f0 + this.clipFrames && this.hpss.nextBlock >= f0 + Math.floor(this.clipMax / HOP);
  }

  private emitSegment(index: number, f0: number): void {
    const s = this.timed('segments', () => this.segment(index, f0));
    this.emitted++;
    this.onSegment(s);
  }

  /** The 57 features over frames [f0, f0 + frames) with the given chroma rows, tempo and dB floor. */
  private features(f0: number, frames: number, chroma: Float32Array, chromaOffset: number, harmonic: { blocks: number; samples: number }, tempo: number, floor: number): Float32Array {
    const R = this.R;
    const v = new Float64Array(GTZAN_FEATURE_COUNT);
    const put = (i: number, s: { mean: number; variance: number }): void => {
      v[i] = s.mean;
      v[i + 1] = s.variance;
    };
    const wraps = ((f0 + frames - 1) & (R - 1)) < (f0 & (R - 1));
    if (chroma !== this.chroma || !wraps) put(0, meanVarStrided(chroma, chromaOffset, frames * N_CHROMA, 1));
    else {
      const c = new Float32Array(frames * N_CHROMA);
      for (let t = 0; t < frames; t++) c.set(chroma.subarray(((f0 + t) & (R - 1)) * N_CHROMA, ((f0 + t) & (R - 1)) * N_CHROMA + N_CHROMA), t * N_CHROMA);
      put(0, meanVarStrided(c, 0, c.length, 1));
    }
    const col = new Float64Array(frames);
    const scalar = (j: number): { mean: number; variance: number } => {
      for (let t = 0; t < frames; t++) col[t] = this.scalars[((f0 + t) & (R - 1)) * SCALARS + j];
      return meanVarStrided(col, 0, frames, 1);
    };
    put(2, scalar(0));
    put(4, scalar(1));
    put(6, scalar(2));
    put(8, scalar(3));
    put(10, scalar(4));
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
    v[12] = sh / n;
    v[13] = Math.max(0, sh2 / n - v[12] * v[12]);
    v[14] = sp / n;
    v[15] = Math.max(0, sp2 / n - v[14] * v[14]);
    v[16] = tempo;
    // MFCCs of the floored dB frames, computed in chunks of up to SEGMENT_FRAMES frames
    const k = this.wasm.kernels;
    const mf = new Float32Array(frames * N_MFCC);
    const floor32 = Math.fround(floor);
    const out = new Float32Array(this.wasm.memory.buffer, this.mfccOut, SEGMENT_FRAMES * N_MFCC);
    for (let c0 = 0; c0 < frames; c0 += SEGMENT_FRAMES) {
      const c1 = Math.min(frames, c0 + SEGMENT_FRAMES);
      for (let t = c0; t < c1; t++) k.mfccFloor(this.dct, this.dbRing + ((f0 + t) & (R - 1)) * MELS * 4, MELS, N_MFCC, floor, floor32, this.dctScratch, this.mfccOut + (t - c0) * N_MFCC * 4);
      mf.set(out.subarray(0, (c1 - c0) * N_MFCC), c0 * N_MFCC);
    }
    for (let j = 0; j < N_MFCC; j++) put(17 + 2 * j, meanVarStrided(mf, j, frames, N_MFCC));
    return Float32Array.from(v);
  }

  private segment(index: number, f0: number): SegmentAnalysis {
    const R = this.R;
    const frames = SEGMENT_FRAMES;
    const floor = this.maxDb(f0, f0 + frames) - TOP_DB;
    let features: Float32Array = new Float32Array(0);
    if (this.wantFeatures) {
      const mean = new Float64Array(TG);
      if (f0 % SEGMENT_HOP_FRAMES === 0) {
        // a regular segment: two blocks of the tempogram's block sums
        const b0 = ((f0 / SEGMENT_HOP_FRAMES) % TG_BLOCKS) * TG;
        const b1 = ((f0 / SEGMENT_HOP_FRAMES + 1) % TG_BLOCKS) * TG;
        for (let i = 0; i < TG; i++) mean[i] = (this.tgBlocks[b0 + i] + this.tgBlocks[b1 + i]) / frames;
      } else {
        for (let t = f0; t < f0 + frames; t++) {
          const o = (t & (R - 1)) * TG;
          for (let i = 0; i < TG; i++) mean[i] += this.tg[o + i];
        }
        for (let i = 0; i < TG; i++) mean[i] /= frames;
      }
      const tempo = tempoFromMeanTempogram(mean, { sr: SR, hop: HOP });
      features = this.features(f0, frames, this.chroma, (f0 & (R - 1)) * N_CHROMA, { blocks: frames - 1, samples: SEGMENT_SAMPLES }, tempo, floor);
    }
    let mlfi: Float32Array = new Float32Array(0);
    if (this.wantMlfi) {
      // band-major copies of runs of the band-major ring (a run breaks where the ring wraps)
      const T = MLFI_INPUT.frames;
      mlfi = new Float32Array(MLFI_INPUT.mels * T);
      const floor32 = Math.fround(floor);
      const s0 = f0 & (R - 1);
      const first = Math.min(T, R - s0);
      const bands = this.dbBands;
      for (let m = 0; m < MELS; m++) {
        const o = m * T;
        const b = m * R;
        for (let t = 0; t < first; t++) {
          const x = bands[b + s0 + t];
          mlfi[o + t] = x < floor ? floor32 : x;
        }
        for (let t = first; t < T; t++) {
          const x = bands[b + t - first];
          mlfi[o + t] = x < floor ? floor32 : x;
        }
      }
    }
    let cnn: Float32Array = new Float32Array(0);
    if (this.wantCnn) {
      const T = CNN_INPUT.frames;
      const R2 = 2 * R;
      cnn = new Float32Array(CNN_MELS * T);
      const s0 = (2 * f0) & (R2 - 1);
      const first = Math.min(T, R2 - s0);
      for (let m = 0; m < CNN_MELS; m++) {
        cnn.set(this.cnn.subarray(m * R2 + s0, m * R2 + s0 + first), m * T);
        if (first < T) cnn.set(this.cnn.subarray(m * R2, m * R2 + T - first), m * T + first);
      }
    }
    return { index, startSeconds: (f0 * HOP) / SR, padded: false, features, cnnInput: cnn, mlfiInput: mlfi };
  }

  /** The clip: the whole track when it fits the clip limit, else the window at clipStart with its own references. */
  private computeClip(): ClipAnalysis {
    const R = this.R;
    const whole = this.n >= 0 && this.n <= this.clipMax;
    const f0 = whole ? 0 : this.clipStart / HOP;
    const frames = whole ? this.tA : this.clipFrames;
    const samples = whole ? this.n : this.clipMax;
    let floor: number;
    let chroma: Float32Array;
    if (whole) {
      // the references were estimated on exactly these frames
      floor = this.floorRef;
      chroma = this.chroma;
    } else {
      const tuning = this.tuningOf(f0, f0 + frames);
      floor = this.maxDb(f0, f0 + frames) - TOP_DB;
      const pairs = writeChromaBankT(this.wasm, cachedChromaFilterbank(SR, N_FFT, { tuning }), BINS, this.chromaT2);
      chroma = new Float32Array(frames * N_CHROMA);
      const k = this.wasm.kernels;
      const out = new Float32Array(this.wasm.memory.buffer, this.chromaOut, N_CHROMA);
      for (let t = 0; t < frames; t++) {
        k.chroma12(this.chromaT2, this.powRow(f0 + t), this.chromaOut, pairs);
        chroma.set(out, t * N_CHROMA);
      }
    }
    const onset = new Float32Array(frames);
    if (whole) onset.set(this.onsetView.subarray(TG_HALF - this.origin, TG_HALF - this.origin + frames));
    else for (let t = 0; t < frames; t++) onset[t] = this.onsetAt(f0 + t, floor, f0);
    // the tempo librosa's float64 tempogram gives, from the float32 one when its margin makes that certain
    const mean = new Float64Array(TG);
    if (whole && this.wantSegments) {
      // the track's tempogram frames are this clip's: same envelope, same padding
      for (let t = 0; t < frames; t++) {
        const o = (t & (R - 1)) * TG;
        for (let i = 0; i < TG; i++) mean[i] += this.tg[o + i];
      }
    } else {
      // this clip's own envelope, padded (zeros before, a ramp after), in WASM memory
      let src = this.onsetLin - 4 * this.origin;
      if (!whole) {
        const v = new Float32Array(this.wasm.memory.buffer, this.clipOnset, frames + 2 * TG_HALF);
        v.fill(0, 0, TG_HALF);
        v.set(onset, TG_HALF);
        const edge = onset[frames - 1];
        for (let i = 0; i < TG_HALF; i++) v[frames + 2 * TG_HALF - 1 - i] = (edge / TG_HALF) * i;
        src = this.clipOnset;
      }
      const sums = new Float64Array(this.wasm.memory.buffer, this.clipSums, TG);
      sums.fill(0);
      for (let t = 0; t < frames; t++) this.tempogram.frame(src + 4 * t, this.tgScratch, this.clipSums);
      mean.set(sums);
    }
    for (let i = 0; i < TG; i++) mean[i] /= frames;
    const tempo = certainTempoFromMeanTempogram(mean, { sr: SR, hop: HOP }) ?? beatTrackTempo(onset, { sr: SR, hop: HOP });
    const features = this.features(f0, frames, chroma, 0, { blocks: Math.floor(samples / HOP), samples }, tempo, floor);
    const logMel = new Float32Array(frames * MELS);
    const floor32 = Math.fround(floor);
    for (let t = 0; t < frames; t++) {
      const o = ((f0 + t) & (R - 1)) * MELS;
      for (let m = 0; m < MELS; m++) {
        const x = this.db[o + m];
        logMel[t * MELS + m] = x < floor ? floor32 : x;
      }
    }
    return { startSeconds: (f0 * HOP) / SR, seconds: samples / SR, features, logMel: { bins: MELS, frames, data: logMel } };
  }
}
