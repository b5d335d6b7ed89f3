/**
 * Segment geometry. Segments are 3 s windows (66150 samples at 22050 Hz) starting on the 512-sample grid of
 * the track's STFT frames, every 65 frames (33280 samples = 1.509 s, just over 50% overlap): a segment's 130
 * frames of 512 (the MLFI input) are then exactly two 65-frame blocks of the track's frame grid, and its 256
 * frames of 256 (the CNN input) are frames of the track's 512 / 256 STFT, so every segment is sliced from arrays
 * computed once per track.
 */
export const SEGMENT_SECONDS = 3;
export const SEGMENT_SAMPLES = 66150;
/** The STFT hop the segment starts are aligned to. */
export const SEGMENT_ALIGN = 512;
export const SEGMENT_HOP_FRAMES = 65;
export const SEGMENT_HOP = SEGMENT_HOP_FRAMES * SEGMENT_ALIGN;
/** Frames of 512 samples in a segment (1 + floor(66150 / 512)). */
export const SEGMENT_FRAMES = 130;

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
 * Start samples of the segments of a track of n samples (n >= length): every hop from 0 while the window fits,
 * then, when the last one leaves more than hop / 2 samples uncovered, one more ending within `align` samples of
 * the track's end (its start rounded down to a multiple of align).
 */
export function segmentStarts(n: number, length = SEGMENT_SAMPLES, hop = SEGMENT_HOP, align = SEGMENT_ALIGN): number[] {
  const starts: number[] = [];
  for (let s = 0; s + length <= n; s += hop) starts.push(s);
  if (starts.length === 0) return [0];
  const lastEnd = starts[starts.length - 1] + length;
  if (n - lastEnd > hop / 2) starts.push(Math.floor((n - length) / align) * align);
  return starts;
}

/**
 * Cuts a stream of sample chunks into the windows of segmentStarts (length, hop, align), holding only about
 * length + hop samples; a track shorter than one window gives one zero-padded window. (The analysis engine
 * slices segments from track-wide arrays instead; this gives the same windows as samples, e.g. to analyse one
 * in isolation.)
 */
export class Segmenter {
  private readonly length: number;
  private readonly hop: number;
  private readonly align: number;
  private buf: Float32Array;
  /** Absolute index of buf[0]. */
  private bufStart = 0;
  private bufLen = 0;
  private nextStart = 0;
  private index = 0;
  private total = 0;

  constructor(length = SEGMENT_SAMPLES, hop = SEGMENT_HOP, align = SEGMENT_ALIGN) {
    this.length = length;
    this.hop = hop;
    this.align = align;
    this.buf = new Float32Array(2 * (length + hop + align));
  }

  /** Adds samples; returns the windows they complete. */
  push(chunk: Float32Array): SegmentWindow[] {
    const out: SegmentWindow[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      // Drop what no future window (nor the end-aligned one) can need: keep from nextStart - hop - align.
      const keepFrom = Math.max(this.bufStart, this.nextStart - this.hop - this.align);
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
      const start = Math.floor((this.total - this.length) / this.align) * this.align;
      const s = start - this.bufStart;
      return [{ index: this.index++, start, samples: this.buf.slice(s, s + this.length), padded: false }];
    }
    return [];
  }

  get samplesSeen(): number {
    return this.total;
  }
}
