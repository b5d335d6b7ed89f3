import { onsetMedianFrame } from '../../dsp/onset.ts';
import { beatTrackTempo, certainTempoFromMeanTempogram, tempoFromMeanTempogram } from '../../dsp/tempo.ts';
import type { WasmTempogram } from '../../dsp/tempogram-wasm.ts';
import { SEGMENT_HOP_FRAMES } from '../segmenter.ts';
import { HOP, MELS, SR, TG, TG_BLOCKS, TG_HALF, TG_RING } from './frame-grid.ts';
import type { TrackMemory, TrackWasmLayout } from './wasm-layout.ts';

/**
 * Onset and tempo: the track's onset envelope (onset_strength with median aggregation over the dB mel rows, with
 * the track's dB floor), the autocorrelation tempogram per frame (float32) with its sums per 65-frame block, and
 * from them a segment's tempo; a clip's tempo from its own envelope and tempogram (librosa's float64 answer when
 * the float32 tempogram's margin makes it certain, else beat_track's).
 */
export class OnsetTempo {
  private readonly R: number;
  private readonly mem: TrackMemory;
  private readonly at: TrackWasmLayout;
  private readonly tempogram: WasmTempogram;
  /**
   * The onset envelope, linear and padded as the tempogram reads it (onset j at onsetView[j + TG / 2 - origin];
   * zeros before onset 0, librosa's linear ramp after the last one), so a tempogram frame is one contiguous run.
   */
  private readonly onsetView: Float32Array;
  private readonly onsetCap: number;
  private origin = 0;
  private rampDone = false;
  /** Progress: onset values and tempogram frames done. */
  private tO = 0;
  private tT = 0;
  /**
   * The sums of the tempogram frames [0, min(frames done, wholeFrames)), added frame by frame in float64 as they
   * are made: a whole track's clip's mean tempogram, the same additions in the same order as summing its frames at
   * the end, without keeping them.
   */
  private readonly wholeSums = new Float64Array(TG);
  private readonly wholeFrames: number;

  /** `wholeFrames`: the most frames a track that is its own clip has (the clip's length in frames). */
  constructor(mem: TrackMemory, wholeFrames: number) {
    this.R = mem.R;
    this.mem = mem;
    this.at = mem.at;
    this.tempogram = mem.tempogram;
    this.onsetView = mem.onset;
    this.onsetCap = mem.onset.length;
    this.wholeFrames = wholeFrames;
    this.onsetView.fill(0, 0, TG_HALF); // the left padding: a ramp from onset[0], which is always 0
  }

  get onsetDone(): number {
    return this.tO;
  }

  get tempogramDone(): number {
    return this.tT;
  }

  /** The track's onset envelope up to frame `upTo` (exclusive), with the track's dB floor. */
  advanceOnset(upTo: number, floor: number): void {
    for (; this.tO < upTo; this.tO++) this.putOnset(this.tO, this.onsetAt(this.tO, floor));
  }

  /** The track ended and its envelope is complete: librosa pads its end with a linear ramp from its last value down to 0. */
  padEnvelopeEnd(): void {
    if (this.rampDone) return;
    this.rampDone = true;
    const last = this.tO - 1;
    const edge = this.onsetView[last + TG_HALF - this.origin];
    for (let j = last + 1; j <= last + TG_HALF; j++) this.putOnset(j, (edge / TG_HALF) * (last + TG_HALF - j));
  }

  /** The track's tempogram frames up to `limit` (exclusive). */
  advanceTempogram(limit: number): void {
    for (; this.tT < limit; this.tT++) this.tempogramFrame(this.tT);
  }

  /** The tempo of the segment over frames [f0, f0 + frames), from the track's tempogram frames. */
  segmentTempo(f0: number, frames: number): number {
    const mean = new Float64Array(TG);
    if (f0 % SEGMENT_HOP_FRAMES === 0) {
      // a regular segment: two blocks of the tempogram's block sums
      const blocks = this.mem.tempogramBlocks;
      const b0 = ((f0 / SEGMENT_HOP_FRAMES) % TG_BLOCKS) * TG;
      const b1 = ((f0 / SEGMENT_HOP_FRAMES + 1) % TG_BLOCKS) * TG;
      for (let i = 0; i < TG; i++) mean[i] = (blocks[b0 + i] + blocks[b1 + i]) / frames;
    } else {
      // the segment aligned to the track's end: its frames, among the last TG_RING
      if (f0 < this.tT - TG_RING || f0 + frames > this.tT) throw new RangeError(`Tempogram frames ${f0}-${f0 + frames} are not held (${this.tT} done, the last ${TG_RING} kept)`);
      const tg = this.mem.tempogramFrames;
      for (let t = f0; t < f0 + frames; t++) {
        const o = (t & (TG_RING - 1)) * TG;
        for (let i = 0; i < TG; i++) mean[i] += tg[o + i];
      }
      for (let i = 0; i < TG; i++) mean[i] /= frames;
    }
    return tempoFromMeanTempogram(mean, { sr: SR, hop: HOP });
  }

  /**
   * The tempo of the clip over frames [f0, f0 + frames): `whole` (the clip is the whole track, f0 0) reads the
   * track's envelope, and with `trackTempogram` its tempogram frames too (the same envelope, the same padding);
   * otherwise the clip's own envelope (floor `floor`) padded as librosa pads it, and its own tempogram.
   */
  clipTempo(whole: boolean, trackTempogram: boolean, f0: number, frames: number, floor: number): number {
    const wasm = this.mem.wasm;
    const onset = new Float32Array(frames);
    if (whole) onset.set(this.onsetView.subarray(TG_HALF - this.origin, TG_HALF - this.origin + frames));
    else for (let t = 0; t < frames; t++) onset[t] = this.onsetAt(f0 + t, floor, f0);
    // the tempo librosa's float64 tempogram gives, from the float32 one when its margin makes that certain
    const mean = new Float64Array(TG);
    if (trackTempogram) {
      if (this.tT !== frames || frames > this.wholeFrames) throw new RangeError(`The track's tempogram sums cover ${Math.min(this.tT, this.wholeFrames)} frames, not the clip's ${frames}`);
      mean.set(this.wholeSums);
    } else {
      // this clip's own envelope, padded (zeros before, a ramp after), in WASM memory
      let src = this.at.onset - 4 * this.origin;
      if (!whole) {
        const v = new Float32Array(wasm.memory.buffer, this.at.clipOnset, frames + 2 * TG_HALF);
        v.fill(0, 0, TG_HALF);
        v.set(onset, TG_HALF);
        const edge = onset[frames - 1];
        for (let i = 0; i < TG_HALF; i++) v[frames + 2 * TG_HALF - 1 - i] = (edge / TG_HALF) * i;
        src = this.at.clipOnset;
      }
      const sums = new Float64Array(wasm.memory.buffer, this.at.clipSums, TG);
      sums.fill(0);
      for (let t = 0; t < frames; t++) this.tempogram.frame(src + 4 * t, this.at.tempogramScratch, this.at.clipSums);
      mean.set(sums);
    }
    for (let i = 0; i < TG; i++) mean[i] /= frames;
    return certainTempoFromMeanTempogram(mean, { sr: SR, hop: HOP }) ?? beatTrackTempo(onset, { sr: SR, hop: HOP });
  }

  /** onset_strength(median) at frame t of an envelope starting at frame `from` (its first 3 values are 0). */
  private onsetAt(t: number, floor: number, from = 0): number {
    if (t - from < 3) return 0;
    const R = this.R;
    const db = this.mem.db;
    return onsetMedianFrame(db, ((t - 3) & (R - 1)) * MELS, db, ((t - 2) & (R - 1)) * MELS, MELS, floor);
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
    if (t % SEGMENT_HOP_FRAMES === 0) this.mem.tempogramBlocks.fill(0, bo, bo + TG);
    const slot = (t & (TG_RING - 1)) * TG;
    this.tempogram.frame(this.at.onset + 4 * (t - this.origin), this.at.tempogramRing + slot * 4, this.at.tempogramBlockSums + bo * 8);
    if (t < this.wholeFrames) {
      const tg = this.mem.tempogramFrames;
      const sums = this.wholeSums;
      for (let i = 0; i < TG; i++) sums[i] += tg[slot + i];
    }
  }
}
