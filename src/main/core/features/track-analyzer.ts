import type { StreamingHpss } from '../dsp/streaming-hpss.ts';
import type { ClipAnalysis, SegmentAnalysis } from './analysis-results.ts';
import type { StageTimes } from './gtzan-features.ts';
import type { SampleStore } from './sample-store.ts';
import { CNN_INPUT, MLFI_INPUT } from './model-input-spectrograms.ts';
import { SEGMENT_FRAMES, SEGMENT_HOP_FRAMES, SEGMENT_SAMPLES, segmentStarts } from './segmenter.ts';
import type { EngineBuffers } from './track-analyzer/engine-buffers.ts';
import { releaseEngineBuffers, takeEngineBuffers } from './track-analyzer/engine-buffers.ts';
import { FeatureAssembler } from './track-analyzer/feature-assembly.ts';
import { CNN_HOP, CNN_NFFT, HALF, HOP, N_FFT, PIECE, SR, TG_HALF, TOP_DB, ringFrames } from './track-analyzer/frame-grid.ts';
import { FrameStage } from './track-analyzer/frame-stage.ts';
import { OnsetTempo } from './track-analyzer/onset-tempo.ts';
import { cnnInputAt, logMelAt, mlfiInputAt } from './track-analyzer/ring-slices.ts';
import type { TrackMemory } from './track-analyzer/wasm-layout.ts';
import { layOutTrackMemory } from './track-analyzer/wasm-layout.ts';

export interface TrackAnalyzerOptions {
  /** Longest clip for the clip-level features (default 60 s of samples). */
  clipMaxSamples?: number;
  /** Which segment outputs to compute (false: no segments at all). */
  segments?: false | { features?: boolean; cnn?: boolean; mlfi?: boolean };
  /** Called with each segment once it is complete, in order. */
  onSegment?: (s: SegmentAnalysis) => void;
  /** Also the clip's dB mel spectrogram (ClipAnalysis.logMel: 1.3 MB for a 60 s clip; default false). */
  clipLogMel?: boolean;
  /** Stage timings (ms) are added here. */
  times?: StageTimes;
  /**
   * Hand every segment the same CNN and MLFI input arrays, overwritten by the next segment: for a consumer that
   * copies them in onSegment (classification batches them). Fresh arrays are 130 KB a segment, 20 MB a 4-minute
   * track, which the allocator hands back to the kernel and takes again: about 5,000 page faults a track.
   */
  reuseSegmentInputs?: boolean;
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
  private readonly wantClipLogMel: boolean;
  private readonly onSegment: (s: SegmentAnalysis) => void;
  private readonly times: StageTimes | undefined;

  private readonly buffers: EngineBuffers;
  private readonly mem: TrackMemory;
  private readonly store: SampleStore;
  private readonly hpss: StreamingHpss;
  private readonly head = new Float32Array(SEGMENT_SAMPLES);
  /** The one pair of segment input arrays when options.reuseSegmentInputs, else null (fresh per segment). */
  private readonly reused: { cnn: Float32Array; mlfi: Float32Array } | null;
  // the stages (see track-analyzer/): per frame, onset and tempo, feature assembly
  private readonly frames: FrameStage;
  private readonly onsetTempo: OnsetTempo;
  private readonly assembler: FeatureAssembler;

  private n = -1;
  private declared = -1;
  private clipStart = 0;
  private clipResult: ClipAnalysis | null = null;
  /** The track's onset floor (a reference, with the tuning the frame stage keeps). */
  private floorRef = -Infinity;
  private nextSegment = 0;
  private emitted = 0;

  constructor(options: TrackAnalyzerOptions = {}) {
    this.clipMax = options.clipMaxSamples ?? 60 * SR;
    this.clipFrames = 1 + Math.floor(this.clipMax / HOP);
    this.refFrames = this.clipFrames;
    this.R = ringFrames(this.clipFrames);
    const seg = options.segments ?? {};
    this.wantSegments = seg !== false;
    this.wantFeatures = seg !== false && (seg.features ?? true);
    this.wantCnn = seg !== false && (seg.cnn ?? true);
    this.wantMlfi = seg !== false && (seg.mlfi ?? true);
    this.wantClipLogMel = options.clipLogMel ?? false;
    this.onSegment = options.onSegment ?? (() => {});
    this.times = options.times;
    this.reused = options.reuseSegmentInputs
      ? { cnn: new Float32Array(CNN_INPUT.mels * CNN_INPUT.frames), mlfi: new Float32Array(MLFI_INPUT.mels * MLFI_INPUT.frames) }
      : null;
    this.buffers = takeEngineBuffers(this.R);
    this.mem = layOutTrackMemory(this.buffers.wasm, this.R, this.buffers.onHpssBlock);
    this.store = this.mem.store;
    this.hpss = this.mem.hpss;
    this.frames = new FrameStage(this.mem, this.buffers);
    this.onsetTempo = new OnsetTempo(this.mem, this.clipFrames);
    this.assembler = new FeatureAssembler(this.mem, this.buffers.blocks);
  }

  /** The container's duration in samples (centres the clip of a long track); call before pushing audio. */
  setDeclaredSamples(samples: number): void {
    this.declared = samples;
    if (samples > this.clipMax) {
      const start = Math.floor(Math.floor((samples - this.clipMax) / 2) / HOP) * HOP;
      // a duration that arrives late only moves the clip if the analysis has not passed its start yet
      if (start / HOP >= this.frames.framesDone) this.clipStart = start;
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
    this.frames.trackEnded(n);
    this.advance();
    this.timed('hpss', () => this.hpss.finish());
    this.advance();
    if (!this.clipResult) {
      const tA = this.frames.framesDone;
      if (n > this.clipMax && (this.clipStart / HOP + this.clipFrames > tA || this.clipStart / HOP < tA - this.R + 64)) {
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
    releaseEngineBuffers(this.buffers);
    return this.clipResult;
  }

  /** The first sample any stage still reads (with room for the end's reflect padding). */
  private keepFrom(): number {
    const f = this.frames;
    let k = Math.min(f.framesDone * HOP - HALF, this.hpss.nextBlock * HOP, f.sampleBlocksDone * HOP);
    if (this.wantCnn) k = Math.min(k, f.cnnFramesDone * CNN_HOP - CNN_NFFT / 2);
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
    const f = this.frames;
    const ot = this.onsetTempo;
    f.sampleBlockSums(Math.floor(total / HOP));
    const frameLimit = end ? 1 + Math.floor(this.n / HOP) : Math.max(0, Math.floor((total - HALF) / HOP) + 1);
    if (f.framesDone < frameLimit) this.timed('stft+frames', () => f.advanceFrames(frameLimit));
    if (this.wantCnn) {
      const cnnLimit = end ? 1 + Math.floor(this.n / CNN_HOP) : Math.max(0, Math.floor((total - CNN_NFFT / 2) / CNN_HOP) + 1);
      if (f.cnnFramesDone < cnnLimit) this.timed('cnn frames', () => f.advanceCnnFrames(cnnLimit));
    }
    if (f.trackTuning === null && (f.framesDone >= this.refFrames || end)) this.timed('references', () => this.references());
    if (f.trackTuning !== null) {
      if (f.chromaDone < f.framesDone) this.timed('chroma', () => f.catchUpChroma());
      // the track's envelope feeds the segments' tempogram, and is the clip's when the track is the clip (a
      // track past refFrames frames is longer than the clip: without segments, nothing needs it then)
      const wanted = this.wantSegments || f.framesDone <= this.refFrames;
      if (wanted && ot.onsetDone < f.framesDone) this.timed('onset', () => ot.advanceOnset(f.framesDone, this.floorRef));
      if (end && ot.onsetDone === f.framesDone) ot.padEnvelopeEnd();
      const tgLimit = end ? f.framesDone : ot.onsetDone - TG_HALF;
      if (this.wantSegments && ot.tempogramDone < tgLimit) this.timed('tempogram', () => ot.advanceTempogram(tgLimit));
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

  /** The track's references from frames [0, min(frames so far, refFrames)): the chroma tuning and the onset floor. */
  private references(): void {
    const f = this.frames;
    const end = Math.min(f.framesDone, this.refFrames);
    const tuning = f.tuningOf(0, end);
    this.floorRef = f.maxDb(0, end) - TOP_DB;
    f.setTrackTuning(tuning);
  }

  private segmentReady(f0: number): boolean {
    const end = f0 + SEGMENT_FRAMES;
    const f = this.frames;
    if (f.framesDone < end || f.chromaDone < end || this.onsetTempo.tempogramDone < end || this.hpss.nextBlock < end - 1) return false;
    return !this.wantCnn || f.cnnFramesDone >= 2 * f0 + CNN_INPUT.frames;
  }

  private clipReady(): boolean {
    const f0 = this.clipStart / HOP;
    return this.frames.framesDone >= f0 + this.clipFrames && this.hpss.nextBlock >= f0 + Math.floor(this.clipMax / HOP);
  }

  private emitSegment(index: number, f0: number): void {
    const s = this.timed('segments', () => this.segment(index, f0));
    this.emitted++;
    this.onSegment(s);
  }

  private segment(index: number, f0: number): SegmentAnalysis {
    const frames = SEGMENT_FRAMES;
    const floor = this.frames.maxDb(f0, f0 + frames) - TOP_DB;
    let features: Float32Array = new Float32Array(0);
    if (this.wantFeatures) {
      const tempo = this.onsetTempo.segmentTempo(f0, frames);
      features = this.assembler.features(f0, frames, this.mem.chroma, { blocks: frames - 1, samples: SEGMENT_SAMPLES }, tempo, floor);
    }
    const mlfi = this.wantMlfi ? mlfiInputAt(this.mem, f0, floor, this.reused?.mlfi) : new Float32Array(0);
    const cnn = this.wantCnn ? cnnInputAt(this.mem, f0, this.reused?.cnn) : new Float32Array(0);
    return { index, startSeconds: (f0 * HOP) / SR, padded: false, features, cnnInput: cnn, mlfiInput: mlfi };
  }

  /** The clip: the whole track when it fits the clip limit, else the window at clipStart with its own references. */
  private computeClip(): ClipAnalysis {
    const whole = this.n >= 0 && this.n <= this.clipMax;
    const f0 = whole ? 0 : this.clipStart / HOP;
    const frames = whole ? this.frames.framesDone : this.clipFrames;
    const samples = whole ? this.n : this.clipMax;
    let floor: number;
    let chroma: Float32Array;
    if (whole) {
      // the references were estimated on exactly these frames
      floor = this.floorRef;
      chroma = this.mem.chroma;
    } else {
      floor = this.frames.maxDb(f0, f0 + frames) - TOP_DB;
      chroma = this.frames.chromaWithOwnTuning(f0, frames);
    }
    // a whole track's tempogram frames are this clip's (same envelope, same padding) when the segments computed them
    const tempo = this.onsetTempo.clipTempo(whole, whole && this.wantSegments, f0, frames, floor);
    const features = this.assembler.features(f0, frames, chroma, { blocks: Math.floor(samples / HOP), samples }, tempo, floor);
    const clip: ClipAnalysis = { startSeconds: (f0 * HOP) / SR, seconds: samples / SR, features };
    if (this.wantClipLogMel) clip.logMel = logMelAt(this.mem, f0, frames, floor);
    return clip;
  }
}
