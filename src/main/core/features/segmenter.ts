/** Segment geometry: 3 s windows every 1.5 s (50% overlap), at 22050 Hz. */
export const SEGMENT_SECONDS = 3;
export const SEGMENT_SAMPLES = 66150;
export const SEGMENT_HOP = 33075;

/** One window of the track: a copy of its samples (zero-padded when the whole track is shorter). */
export interface SegmentWindow {
  index: number;
  /** First sample in the track. */
  start: number;
  samples: Float32Array;
  /** True when the track was shorter than a segment and the window was zero-padded. */
  padded: boolean;
}

/**
 * Cuts a stream of sample chunks into consecutive windows (length, hop) covering the whole track, holding
 * only about length + hop samples. When the last full window leaves more than hop / 2 samples uncovered, a
 * final window aligned to the track's end is added; a track shorter than one window gives one padded window.
 */
export class Segmenter {
  private readonly length: number;
  private readonly hop: number;
  private buf: Float32Array;
  /** Absolute index of buf[0]. */
  private bufStart = 0;
  private bufLen = 0;
  private nextStart = 0;
  private index = 0;
  private total = 0;

  constructor(length = SEGMENT_SAMPLES, hop = SEGMENT_HOP) {
    this.length = length;
    this.hop = hop;
    this.buf = new Float32Array(2 * (length + hop));
  }

  /** Adds samples; returns the windows they complete. */
  push(chunk: Float32Array): SegmentWindow[] {
    const out: SegmentWindow[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      // Drop what no future window (nor the end-aligned one) can need: keep from nextStart - hop.
      const keepFrom = Math.max(this.bufStart, this.nextStart - this.hop);
      if (keepFrom > this.bufStart) {
        const drop = keepFrom - this.bufStart;
        this.buf.copyWithin(0, drop, this.bufLen);
        this.bufLen -= drop;
        this.bufStart = keepFrom;
      }
      const room = this.buf.length - this.bufLen;
      const n = Math.min(room, chunk.length - offset);
      this.buf.set(chunk.subarray(offset, offset + n), this.bufLen);
      this.bufLen += n;
      offset += n;
      this.total += n;
      while (this.nextStart + this.length <= this.bufStart + this.bufLen) {
        const s = this.nextStart - this.bufStart;
        out.push({ index: this.index++, start: this.nextStart, samples: this.buf.slice(s, s + this.length), padded: false });
        this.nextStart += this.hop;
      }
    }
    return out;
  }

  /** Call at the end of the track: the padded or end-aligned window, if one is due. */
  finish(): SegmentWindow[] {
    if (this.index === 0) {
      const samples = new Float32Array(this.length);
      samples.set(this.buf.subarray(0, Math.min(this.bufLen, this.length)));
      this.index++;
      return [{ index: 0, start: 0, samples, padded: this.total < this.length }];
    }
    const lastEnd = this.nextStart - this.hop + this.length;
    if (this.total - lastEnd > this.hop / 2) {
      const start = this.total - this.length;
      const s = start - this.bufStart;
      return [{ index: this.index++, start, samples: this.buf.slice(s, s + this.length), padded: false }];
    }
    return [];
  }

  get samplesSeen(): number {
    return this.total;
  }
}
