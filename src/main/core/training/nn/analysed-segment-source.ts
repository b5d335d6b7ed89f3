import { GTZAN_FEATURE_COUNT, GTZAN_SAMPLE_RATE } from '../../features/index.ts';
import type { ModelInputSource, SpectrogramPart } from '../../models/inference/model-input-sources.ts';
import { modelInputSources, spectrogramGeometry } from '../../models/inference/model-input-sources.ts';
import { segmentModelKind } from '../../models/kinds/registry.ts';
import type { SegmentRecipe } from '../../models/kinds/segment-recipe.ts';
import type { TensorData } from '../../models/tensor-data.ts';
import type { AnalysedTrack } from '../analysis/analyze-dataset.ts';
import type { CachedAnalysis } from '../analysis/cached-analysis.ts';
import type { SeededRandom } from '../../random/seeded-random.ts';
import type { SegmentInputSpec, SegmentSource } from './segment-source.ts';

/** Every segment's spectrogram of one part in a cached analysis, [segments, bands * frames] band-major. */
const cachedSpectrograms = (a: CachedAnalysis, part: SpectrogramPart): Float32Array => (part === 'cnn' ? a.cnn : a.mlfi);

/** The columns of every segment's 57 features a feature input takes, [segments, columns.length]. */
function featureColumns(a: CachedAnalysis, columns: readonly number[]): Float32Array {
  const n = a.segmentCount;
  const m = columns.length;
  const out = new Float32Array(n * m);
  for (let r = 0; r < n; r++) for (let j = 0; j < m; j++) out[r * m + j] = a.segmentFeatures[r * GTZAN_FEATURE_COUNT + columns[j]];
  return out;
}

/**
 * The analysed tracks of an audio dataset as a segment model of a recipe sees them: each of its inputs (the
 * manifest inputs its kind gives the recipe) filled from the cached analysis as inference fills it
 * (models/inference/model-input-sources.ts), e.g. the CNN's `melspec` [64, 256, 1], the MLFI's `melspec`
 * [128, 130, 1] and `features` [55].
 * - A training crop is a random analysis segment (3 s, hop 1.5 s) of the track: every input of that segment.
 * - With the recipe's `jitter` and a single spectrogram input (the CNN), a crop is a random 3 s window anywhere in
 *   the track instead: a random pair of neighbouring analysis segments and a random frame offset between their
 *   starts, the patch spliced from the two. (Features exist for the analysis segments only.)
 * Every crop carries the label of its whole track.
 */
export class AnalysedSegmentSource implements SegmentSource {
  readonly inputs: SegmentInputSpec[];
  private readonly sources: ModelInputSource[];
  private readonly tracks: readonly AnalysedTrack[];
  /** The spectrogram crops are spliced from, when the recipe jitters them. */
  private readonly jitterPart: SpectrogramPart | null;
  /** Per track, per input: the feature columns of every segment (null for spectrogram inputs). */
  private readonly features: (Float32Array | null)[][];

  constructor(tracks: readonly AnalysedTrack[], recipe: SegmentRecipe) {
    this.tracks = tracks;
    const inputs = segmentModelKind(recipe.kind).training.inputs(recipe);
    this.sources = modelInputSources({ kind: recipe.kind, version: recipe.architecture, inputs });
    this.inputs = this.sources.map((s) => ({ name: s.name, shape: s.shape }));
    const onlyPart = this.sources.length === 1 ? this.sources[0].part : 'features';
    this.jitterPart = recipe.jitter && onlyPart !== 'features' ? onlyPart : null;
    this.features = tracks.map((t) => this.sources.map((s) => (s.columns ? featureColumns(t.analysis, s.columns) : null)));
    for (const t of tracks) if (t.analysis.segmentCount === 0) throw new Error(`${t.path} has no analysis segments`);
  }

  get trackCount(): number {
    return this.tracks.length;
  }

  track(i: number): { key: string; label: string } {
    return { key: this.tracks[i].track, label: this.tracks[i].label };
  }

  /** Input j of segment s of track i. */
  private segmentInput(i: number, j: number, s: number): Float32Array {
    const { part, size } = this.sources[j];
    const data = part === 'features' ? this.features[i][j]! : cachedSpectrograms(this.tracks[i].analysis, part);
    return data.slice(s * size, (s + 1) * size);
  }

  sample(i: number, random: SeededRandom): Float32Array[] {
    const a = this.tracks[i].analysis;
    const n = a.segmentCount;
    if (!this.jitterPart || n < 2) {
      const s = random.int(n);
      return this.sources.map((_, j) => this.segmentInput(i, j, s));
    }
    // A window starting `offset` frames after segment s: frames offset..frames-1 of s, then the frames of s + 1
    // that follow (s + 1 starts `gap` frames after s).
    const { size } = this.sources[0];
    const { mels, frames, hop } = spectrogramGeometry[this.jitterPart];
    const s = random.int(n - 1);
    const gap = Math.round(((a.segmentStarts[s + 1] - a.segmentStarts[s]) * GTZAN_SAMPLE_RATE) / hop);
    if (gap <= 0 || gap > frames) return [this.segmentInput(i, 0, s)];
    const offset = random.int(gap + 1);
    const all = cachedSpectrograms(a, this.jitterPart);
    const out = new Float32Array(size);
    const first = all.subarray(s * size, (s + 1) * size);
    const second = all.subarray((s + 1) * size, (s + 2) * size);
    for (let m = 0; m < mels; m++) {
      const row = m * frames;
      out.set(first.subarray(row + offset, row + frames), row);
      if (offset > 0) out.set(second.subarray(row + frames - gap, row + frames - gap + offset), row + frames - offset);
    }
    return [out];
  }

  segments(i: number): TensorData[] {
    const a = this.tracks[i].analysis;
    const n = a.segmentCount;
    return this.sources.map((source, j) => ({
      data: source.part === 'features' ? this.features[i][j]! : cachedSpectrograms(a, source.part),
      shape: [n, ...source.shape],
    }));
  }
}
