import type { ItemNormalizer } from '../normalize-input.ts';
import { itemNormalizer } from '../normalize-input.ts';
import type { SegmentClassifier } from '../segment-classifier.ts';
import type { ModelInputSource, ModelSegment } from './model-input-sources.ts';
import { copySegmentInput } from './model-input-sources.ts';

/**
 * One segment model over one track, fed segment by segment (as the analysis streams them, or from a cached
 * analysis): segments are copied into batches as they come (normalised with the manifest's statistics on the way)
 * and each full batch is sent to the runtime at once. onnxruntime-node runs a batch on this thread in a
 * setImmediate callback, in the order they were sent, so the batches sent while the analysis worked through one
 * turn of the event loop all run in the next turn, and their buffers come back to be filled again: a 4-minute
 * track reuses a few batch buffers, kept across tracks by the caller (`free`). (Sending each batch only once the
 * one before had answered ran one batch per turn: inference fell behind the analysis and mostly ran after it, and
 * every batch took fresh buffers, 160 of them and 21 MB per 4-minute track.) Only the batches in flight and the
 * probabilities are kept.
 */
export class SegmentModelRun {
  private readonly classifier: SegmentClassifier;
  private readonly sources: ModelInputSource[];
  private readonly batchSize: number;
  private readonly k: number;
  private readonly normalizers: (ItemNormalizer | undefined)[];
  /** Batch buffers whose inference is done, ready to be filled again (shared with the model's next runs). */
  private readonly free: Float32Array[][];
  private batch: Float32Array[] = [];
  private inBatch = 0;
  private readonly rows: Float32Array[] = [];
  private readonly starts: number[] = [];
  private readonly inFlight: Promise<void>[] = [];
  private failure: unknown = null;
  private finished = false;
  segments = 0;

  constructor(classifier: SegmentClassifier, sources: ModelInputSource[], batchSize = 8, free: Float32Array[][] = []) {
    this.classifier = classifier;
    this.sources = sources;
    this.batchSize = batchSize;
    this.free = free;
    this.k = classifier.manifest.labels.length;
    const stats = classifier.manifest.normalization;
    this.normalizers = sources.map((s) => (stats?.[s.name] ? itemNormalizer(stats[s.name], s.shape) : undefined));
    this.newBatch();
  }

  private newBatch(): void {
    let buffers = this.free.pop();
    // buffers of another batch size (a caller may change it between tracks) are left to the collector
    while (buffers && buffers[0].length !== this.batchSize * this.sources[0].size) buffers = this.free.pop();
    const floats = (n: number): Float32Array =>
      this.classifier.sharedInputs ? new Float32Array(new SharedArrayBuffer(n * Float32Array.BYTES_PER_ELEMENT)) : new Float32Array(n);
    this.batch = buffers ?? this.sources.map((s) => floats(this.batchSize * s.size));
    this.inBatch = 0;
  }

  push(s: ModelSegment): void {
    if (this.finished) throw new Error('A segment came after the track was finished');
    this.sources.forEach((source, i) => copySegmentInput(s, source, this.batch[i], this.inBatch * source.size, this.normalizers[i]));
    this.starts.push(s.startSeconds);
    this.inBatch++;
    this.segments++;
    if (this.inBatch === this.batchSize) this.flush();
  }

  private flush(): void {
    if (this.inBatch === 0) return;
    const n = this.inBatch;
    const buffers = this.batch;
    const inputs = Object.fromEntries(
      this.sources.map((source, i) => [source.name, { data: this.batch[i].subarray(0, n * source.size), shape: [n, ...source.shape] }]),
    );
    const slot = this.rows.length;
    this.rows.push(new Float32Array(0));
    this.newBatch();
    if (this.failure) return;
    this.inFlight.push(
      this.classifier.predict(inputs, { normalized: true }).then(
        (probs) => {
          if (probs.length !== n * this.k) throw new Error(`The ${this.classifier.manifest.kind} model returned ${probs.length} values for ${n} segments`);
          this.rows[slot] = Float32Array.from(probs);
          this.free.push(buffers);
        },
      ).catch((error: unknown) => {
        this.failure ??= error;
      }),
    );
  }

  /** Waits for the last batch; the segment probabilities [n, k] and the segment start times. */
  async finish(): Promise<{ probabilities: Float32Array; starts: Float32Array }> {
    if (!this.finished) {
      this.flush();
      this.free.push(this.batch); // the empty batch flush() took: the model's next run fills it
      this.finished = true;
    }
    await Promise.all(this.inFlight);
    if (this.failure) throw this.failure;
    const probabilities = new Float32Array(this.segments * this.k);
    let o = 0;
    for (const r of this.rows) {
      probabilities.set(r, o);
      o += r.length;
    }
    return { probabilities, starts: Float32Array.from(this.starts) };
  }
}
