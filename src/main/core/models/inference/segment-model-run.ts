import type { ItemNormalizer } from '../normalize-input.ts';
import { itemNormalizer } from '../normalize-input.ts';
import type { SegmentClassifier } from '../segment-classifier.ts';
import type { ModelInputSource, ModelSegment } from './model-input-sources.ts';
import { copySegmentInput } from './model-input-sources.ts';

/**
 * One segment model over one track, fed segment by segment (as the analysis streams them, or from a cached
 * analysis): segments are copied into batches as they come and each full batch is sent to the runtime at once, so inference (onnxruntime's own threads)
 * overlaps the analysis of the next segments. Each segment is normalised (the manifest's statistics) as it is
 * copied in, and a batch's buffers are reused once its inference is done (about 20 MB of copies and garbage per
 * 4-minute track less). Only the batches not yet run and the probabilities are kept.
 */
export class SegmentModelRun {
  private readonly classifier: SegmentClassifier;
  private readonly sources: ModelInputSource[];
  private readonly batchSize: number;
  private readonly k: number;
  private readonly normalizers: (ItemNormalizer | undefined)[];
  /** Batch buffers whose inference is done, ready to be filled again. */
  private readonly free: Float32Array[][] = [];
  private batch: Float32Array[] = [];
  private inBatch = 0;
  private readonly rows: Float32Array[] = [];
  private readonly starts: number[] = [];
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown = null;
  segments = 0;

  constructor(classifier: SegmentClassifier, sources: ModelInputSource[], batchSize = 8) {
    this.classifier = classifier;
    this.sources = sources;
    this.batchSize = batchSize;
    this.k = classifier.manifest.labels.length;
    const stats = classifier.manifest.normalization;
    this.normalizers = sources.map((s) => (stats?.[s.name] ? itemNormalizer(stats[s.name], s.shape) : undefined));
    this.newBatch();
  }

  private newBatch(): void {
    this.batch = this.free.pop() ?? this.sources.map((s) => new Float32Array(this.batchSize * s.size));
    this.inBatch = 0;
  }

  push(s: ModelSegment): void {
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
    this.chain = this.chain.then(async () => {
      if (this.failure) return;
      try {
        const probs = await this.classifier.predict(inputs, { normalized: true });
        if (probs.length !== n * this.k) throw new Error(`The ${this.classifier.manifest.kind} model returned ${probs.length} values for ${n} segments`);
        this.rows[slot] = Float32Array.from(probs);
        this.free.push(buffers);
      } catch (error) {
        this.failure = error;
      }
    });
  }

  /** Waits for the last batch; the segment probabilities [n, k] and the segment start times. */
  async finish(): Promise<{ probabilities: Float32Array; starts: Float32Array }> {
    this.flush();
    await this.chain;
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
