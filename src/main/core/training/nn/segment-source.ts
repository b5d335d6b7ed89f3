import type { TensorData } from '../../models/tensor-data.ts';
import type { SeededRandom } from '../../random/seeded-random.ts';

/** One model input per segment: its name and shape without the batch dimension (e.g. melspec [64, 256, 1]). */
export interface SegmentInputSpec {
  name: string;
  shape: number[];
}

/**
 * Labelled tracks as a segment model sees them. Phase B implements this over the analysis engine (log-mel patches
 * and feature vectors per 3 s segment); tests implement it over synthetic tensors.
 */
export interface SegmentSource {
  inputs: SegmentInputSpec[];
  trackCount: number;
  track(i: number): { key: string; label: string };
  /** One training example from track i: a random 3 s crop (CNN) or segment (MLFI), one array per input. */
  sample(i: number, random: SeededRandom): Float32Array[];
  /** Every analysis segment of track i (consecutive, 50% overlap), per input [n, ...shape]. */
  segments(i: number): TensorData[];
}

/** Tracks whose segments are already computed: training samples are drawn among them at random. */
export class InMemorySegmentSource implements SegmentSource {
  readonly inputs: SegmentInputSpec[];
  private readonly tracks: { key: string; label: string; segments: TensorData[] }[];

  constructor(inputs: SegmentInputSpec[], tracks: { key: string; label: string; segments: TensorData[] }[]) {
    this.inputs = inputs;
    this.tracks = tracks;
    for (const t of tracks) {
      if (t.segments.length !== inputs.length) throw new Error(`Track ${t.key}: ${t.segments.length} inputs, expected ${inputs.length}`);
      const n = t.segments[0].shape[0];
      t.segments.forEach((s, j) => {
        const expected = [n, ...inputs[j].shape];
        if (s.shape.join() !== expected.join()) throw new Error(`Track ${t.key}: ${inputs[j].name} has shape [${s.shape}], expected [${expected}]`);
      });
      if (n === 0) throw new Error(`Track ${t.key} has no segments`);
    }
  }

  get trackCount(): number {
    return this.tracks.length;
  }

  track(i: number): { key: string; label: string } {
    return { key: this.tracks[i].key, label: this.tracks[i].label };
  }

  sample(i: number, random: SeededRandom): Float32Array[] {
    const t = this.tracks[i];
    const s = random.int(t.segments[0].shape[0]);
    return t.segments.map((x, j) => {
      const size = this.inputs[j].shape.reduce((a, b) => a * b, 1);
      return x.data.slice(s * size, (s + 1) * size);
    });
  }

  segments(i: number): TensorData[] {
    return this.tracks[i].segments;
  }
}
