import { CNN_INPUT, GTZAN_SAMPLE_RATE, MLFI_INPUT, gtzanFeatureNames } from '../../features/index.ts';
import { mlfiFeatureNames, selectFeatureColumns } from '../../models/feature-columns.ts';
import type { TensorData } from '../../models/tensor-data.ts';
import type { AnalysedTrack } from '../analysis/analyze-dataset.ts';
import type { SeededRandom } from '../../random/seeded-random.ts';
import type { SegmentInputSpec, SegmentSource } from './segment-source.ts';

export type SegmentModelKind = 'cnn' | 'mlfi';

const cnnSize = CNN_INPUT.mels * CNN_INPUT.frames;
const mlfiSize = MLFI_INPUT.mels * MLFI_INPUT.frames;

/**
 * The analysed tracks of an audio dataset as a segment model sees them.
 * - cnn: input `melspec` [64, 256, 1] (ln(1 + mel)). A training crop is a random 3 s window anywhere in the
 *   track: a random pair of neighbouring analysis segments and a random frame offset between their starts, the
 *   patch spliced from the two (`jitter`, default on; off: a random analysis segment).
 * - mlfi: inputs `melspec` [128, 130, 1] (dB mel) and `features` [55] of the same window; a crop is a random
 *   analysis segment (3 s, hop 1.5 s), since the 55 features exist for those windows.
 * Every crop carries the label of its whole track.
 */
export class AnalysedSegmentSource implements SegmentSource {
  readonly inputs: SegmentInputSpec[];
  readonly kind: SegmentModelKind;
  private readonly tracks: readonly AnalysedTrack[];
  private readonly jitter: boolean;
  private readonly mlfiFeatures: Float32Array[];

  constructor(tracks: readonly AnalysedTrack[], kind: SegmentModelKind, options: { jitter?: boolean } = {}) {
    this.tracks = tracks;
    this.kind = kind;
    this.jitter = kind === 'cnn' && (options.jitter ?? true);
    this.inputs =
      kind === 'cnn'
        ? [{ name: 'melspec', shape: [CNN_INPUT.mels, CNN_INPUT.frames, 1] }]
        : [
            { name: 'melspec', shape: [MLFI_INPUT.mels, MLFI_INPUT.frames, 1] },
            { name: 'features', shape: [mlfiFeatureNames.length] },
          ];
    this.mlfiFeatures = kind === 'mlfi' ? tracks.map((t) => selectFeatureColumns(t.analysis.segmentFeatures, gtzanFeatureNames, mlfiFeatureNames)) : [];
    for (const t of tracks) if (t.analysis.segmentCount === 0) throw new Error(`${t.path} has no analysis segments`);
  }

  get trackCount(): number {
    return this.tracks.length;
  }

  track(i: number): { key: string; label: string } {
    return { key: this.tracks[i].track, label: this.tracks[i].label };
  }

  sample(i: number, random: SeededRandom): Float32Array[] {
    const a = this.tracks[i].analysis;
    const n = a.segmentCount;
    if (this.kind === 'mlfi') {
      const s = random.int(n);
      const f = mlfiFeatureNames.length;
      return [a.mlfi.slice(s * mlfiSize, (s + 1) * mlfiSize), this.mlfiFeatures[i].slice(s * f, (s + 1) * f)];
    }
    if (!this.jitter || n < 2) {
      const s = random.int(n);
      return [a.cnn.slice(s * cnnSize, (s + 1) * cnnSize)];
    }
    // A window starting `offset` CNN frames after segment s: frames offset..255 of s, then the frames of s + 1
    // that follow (s + 1 starts `gap` frames after s).
    const s = random.int(n - 1);
    const frames = CNN_INPUT.frames;
    const gap = Math.round(((a.segmentStarts[s + 1] - a.segmentStarts[s]) * GTZAN_SAMPLE_RATE) / CNN_INPUT.hop);
    if (gap <= 0 || gap > frames) return [a.cnn.slice(s * cnnSize, (s + 1) * cnnSize)];
    const offset = random.int(gap + 1);
    const out = new Float32Array(cnnSize);
    const first = a.cnn.subarray(s * cnnSize, (s + 1) * cnnSize);
    const second = a.cnn.subarray((s + 1) * cnnSize, (s + 2) * cnnSize);
    for (let m = 0; m < CNN_INPUT.mels; m++) {
      const row = m * frames;
      out.set(first.subarray(row + offset, row + frames), row);
      if (offset > 0) out.set(second.subarray(row + frames - gap, row + frames - gap + offset), row + frames - offset);
    }
    return [out];
  }

  segments(i: number): TensorData[] {
    const a = this.tracks[i].analysis;
    const n = a.segmentCount;
    if (this.kind === 'cnn') return [{ data: a.cnn, shape: [n, CNN_INPUT.mels, CNN_INPUT.frames, 1] }];
    return [
      { data: a.mlfi, shape: [n, MLFI_INPUT.mels, MLFI_INPUT.frames, 1] },
      { data: this.mlfiFeatures[i], shape: [n, mlfiFeatureNames.length] },
    ];
  }
}
