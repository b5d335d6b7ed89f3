/**
 * Keeps the part of a streamed track that the clip-level features are computed on: the whole track when it is
 * at most maxSamples long, otherwise the centred maxSamples once the duration is known (the first maxSamples
 * when it never is). Memory: maxSamples floats at most.
 */
export class ClipCollector {
  private readonly maxSamples: number;
  private readonly sampleRate: number;
  private start = 0;
  private buf: Float32Array;
  private len = 0;
  private seen = 0;

  constructor(maxSamples: number, sampleRate: number) {
    this.maxSamples = maxSamples;
    this.sampleRate = sampleRate;
    this.buf = new Float32Array(Math.min(maxSamples, 30 * sampleRate));
  }

  /** The container's duration: centre the clip when the track is longer than the clip. */
  setDuration(seconds: number): void {
    const total = Math.round(seconds * this.sampleRate);
    if (total > this.maxSamples) {
      const start = Math.floor((total - this.maxSamples) / 2);
      if (start >= this.seen) this.start = start;
      else if (this.seen <= this.len) {
        // Everything seen so far is buffered from 0: shift it so the buffer begins at the new start.
        const drop = Math.min(start, this.len);
        this.buf.copyWithin(0, drop, this.len);
        this.len -= drop;
        this.start = start;
      }
    }
  }

  push(chunk: Float32Array): void {
    const from = Math.max(0, this.start - this.seen);
    const room = this.maxSamples - this.len;
    const take = Math.min(chunk.length - from, room);
    this.seen += chunk.length;
    if (take <= 0) return;
    if (this.len + take > this.buf.length) {
      const grown = new Float32Array(Math.min(this.maxSamples, Math.max(this.len + take, 2 * this.buf.length)));
      grown.set(this.buf.subarray(0, this.len));
      this.buf = grown;
    }
    this.buf.set(chunk.subarray(from, from + take), this.len);
    this.len += take;
  }

  /** First sample of the clip in the track. */
  get startSample(): number {
    return this.start;
  }

  samples(): Float32Array {
    return this.buf.subarray(0, this.len);
  }
}
