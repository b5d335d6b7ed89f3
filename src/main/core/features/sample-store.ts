import type { SampleSource } from '../dsp/streaming-hpss.ts';

/**
 * The recent part of a streamed signal, in one contiguous array: samples are appended at the end and dropped
 * from the front once no stage needs them (the caller says from where it still reads). Indices are absolute
 * (sample 0 = the start of the track).
 */
export class SampleStore implements SampleSource {
  private buf: Float32Array;
  /** Absolute index of buf[0]. */
  private first = 0;
  private len = 0;
  /** Byte offset of buf in a WASM memory, when it lives in one (it then never grows). */
  private readonly wasmOffset: number;

  /** A growable store, or a fixed one over `fixed` (e.g. a view of WASM memory at byteOffset wasmOffset). */
  constructor(capacity = 1 << 18, fixed?: { array: Float32Array; wasmOffset: number }) {
    this.buf = fixed ? fixed.array : new Float32Array(capacity);
    this.wasmOffset = fixed ? fixed.wasmOffset : -1;
  }

  /** Byte offset (in the WASM memory holding the store) of absolute sample i. */
  pointer(i: number): number {
    if (this.wasmOffset < 0) throw new Error('SampleStore: not in WASM memory');
    return this.wasmOffset + 4 * (i - this.first);
  }

  /** Samples appended so far (the absolute index one past the newest). */
  get total(): number {
    return this.first + this.len;
  }

  /** The oldest sample still held. */
  get start(): number {
    return this.first;
  }

  /** The backing array (for tight loops, with offsetOf; valid until the next append). */
  get array(): Float32Array {
    return this.buf;
  }

  /** The index in `array` of absolute sample i. */
  offsetOf(i: number): number {
    return i - this.first;
  }

  /** Appends a chunk; samples before keepFrom may be dropped to make room. */
  append(chunk: Float32Array, keepFrom: number): void {
    if (this.len + chunk.length > this.buf.length) {
      const drop = Math.max(0, Math.min(this.len, keepFrom - this.first));
      if (drop > 0) {
        this.buf.copyWithin(0, drop, this.len);
        this.first += drop;
        this.len -= drop;
      }
      if (this.len + chunk.length > this.buf.length) {
        if (this.wasmOffset >= 0) throw new RangeError(`SampleStore: ${this.len + chunk.length} samples do not fit in ${this.buf.length}`);
        let size = this.buf.length * 2;
        while (size < this.len + chunk.length) size *= 2;
        const grown = new Float32Array(size);
        grown.set(this.buf.subarray(0, this.len));
        this.buf = grown;
      }
    }
    this.buf.set(chunk, this.len);
    this.len += chunk.length;
  }

  at(i: number): number {
    if (i < this.first || i >= this.first + this.len) throw new RangeError(`sample ${i} is not held (${this.first}..${this.first + this.len})`);
    return this.buf[i - this.first];
  }

  view(start: number, end: number): Float32Array {
    if (start < this.first || end > this.first + this.len) throw new RangeError(`samples ${start}..${end} are not held (${this.first}..${this.first + this.len})`);
    return this.buf.subarray(start - this.first, end - this.first);
  }
}
