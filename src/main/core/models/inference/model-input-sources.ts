// How a segment model's inputs (by its manifest) are filled from the analysis engine's segments: which part of a
// segment feeds each input, and the copy of one segment into a batch. Used by inference (track-models.ts) and by
// training (its crops). (The spectrograms themselves: features/model-input-spectrograms.ts.)
import type { SegmentAnalysis } from '../../features/index.ts';
import { CNN_INPUT, MLFI_INPUT, gtzanFeatureIndex, gtzanFeatureNames } from '../../features/index.ts';
import { cnnInputConversion } from '../cnn/cnn-input-compression.ts';
import { mlfiFeatureNames } from '../feature-columns.ts';
import type { ItemNormalizer } from '../normalize-input.ts';
import type { ModelManifest } from '../store/model-manifest.ts';

/** What the segment models read of one analysed segment. */
export type ModelSegment = Pick<SegmentAnalysis, 'startSeconds' | 'features' | 'cnnInput' | 'mlfiInput'>;

/** The spectrograms the analysis engine computes for every segment, by the part of a segment that holds them. */
export const spectrogramParts = ['cnn', 'mlfi'] as const;
export type SpectrogramPart = (typeof spectrogramParts)[number];

/** Which part of a segment's analysis feeds one model input. */
export type SegmentPart = SpectrogramPart | 'features';

/** The geometry of each spectrogram part: mel bands, frames, FFT size and hop (samples at 22050 Hz). */
export const spectrogramGeometry: Readonly<Record<SpectrogramPart, { mels: number; frames: number; nFft: number; hop: number }>> = { cnn: CNN_INPUT, mlfi: MLFI_INPUT };

export interface ModelInputSource {
  /** The model's input name. */
  name: string;
  part: SegmentPart;
  /** The input's shape without the batch dimension. */
  shape: number[];
  /** Values per segment. */
  size: number;
  /** For feature inputs: the index of each of the model's columns in the 57 GTZAN features. */
  columns: number[] | null;
  /** For CNN versions trained on another compression of the same mel spectrogram: the engine's input converted. */
  convert: ((engine: Float32Array) => Float32Array) | null;
}

type InputSpec = ModelManifest['inputs'][number];
/** What of a manifest says how to fill the model's inputs (and names the model in errors). */
type ManifestInputs = Pick<ModelManifest, 'kind' | 'version' | 'inputs'>;

function spectrogramPart(spec: InputSpec, manifest: ManifestInputs): SpectrogramPart {
  const [, bands, frames, channels] = spec.shape;
  const s = spec.spectrogram;
  for (const part of spectrogramParts) {
    const geometry = spectrogramGeometry[part];
    if (bands !== geometry.mels || frames !== geometry.frames || channels !== 1) continue;
    if (s && (s.nFft !== geometry.nFft || s.hopLength !== geometry.hop || s.melBands !== geometry.mels)) continue;
    return part;
  }
  throw new Error(
    `${manifest.kind}/${manifest.version}: its input ${spec.name} [${spec.shape.join(', ')}] is not a spectrogram the analysis engine ` +
      `computes (CNN ${CNN_INPUT.mels}x${CNN_INPUT.frames}, MLFI ${MLFI_INPUT.mels}x${MLFI_INPUT.frames})`,
  );
}

/** How to fill each input of a segment model (CNN, MLFI) from the analysis engine's segments. */
export function modelInputSources(manifest: ManifestInputs): ModelInputSource[] {
  return manifest.inputs.map((spec) => {
    const shape = spec.shape.slice(1);
    // Feature inputs name their columns; without names, 55 values are MLFI's columns and 57 all GTZAN features.
    const names = spec.features ?? (shape.length === 1 && shape[0] === mlfiFeatureNames.length ? mlfiFeatureNames : shape.length === 1 && shape[0] === gtzanFeatureNames.length ? gtzanFeatureNames : null);
    if (names) {
      const columns = names.map((name) => {
        const i = gtzanFeatureIndex[name];
        if (i === undefined) throw new Error(`${manifest.kind}/${manifest.version}: unknown feature ${name} in input ${spec.name}`);
        return i;
      });
      if (shape.length !== 1 || shape[0] !== columns.length) {
        throw new Error(`${manifest.kind}/${manifest.version}: input ${spec.name} lists ${columns.length} features but has shape [${spec.shape.join(', ')}]`);
      }
      return { name: spec.name, part: 'features', shape, size: columns.length, columns, convert: null };
    }
    if (spec.shape.length === 4) {
      const part = spectrogramPart(spec, manifest);
      const convert = part === 'cnn' ? cnnInputConversion(spec.spectrogram?.compression, `${manifest.kind}/${manifest.version}`) : null;
      return { name: spec.name, part, shape, size: shape.reduce((a, b) => a * b, 1), columns: null, convert };
    }
    throw new Error(`${manifest.kind}/${manifest.version}: cannot tell how to compute its input ${spec.name} [${spec.shape.join(', ')}]`);
  });
}

/** A segment's spectrogram of one part. */
export function spectrogramOf(s: Pick<ModelSegment, 'cnnInput' | 'mlfiInput'>, part: SpectrogramPart): Float32Array {
  return part === 'cnn' ? s.cnnInput : s.mlfiInput;
}

/**
 * Copies one segment's values for `source` into `out` at `offset`, normalised on the way when `normalize` is given
 * (one pass instead of a copy and then a normalised copy of the whole batch).
 */
export function copySegmentInput(s: ModelSegment, source: ModelInputSource, out: Float32Array, offset: number, normalize?: ItemNormalizer): void {
  if (source.part === 'features') {
    const cols = source.columns!;
    for (let j = 0; j < cols.length; j++) out[offset + j] = s.features[cols[j]];
    normalize?.(out.subarray(offset, offset + cols.length), out, offset);
    return;
  }
  const raw = spectrogramOf(s, source.part);
  if (raw.length !== source.size) throw new Error(`The segment's ${source.part} input holds ${raw.length} values, the model wants ${source.size}`);
  const data = source.convert ? source.convert(raw) : raw;
  if (normalize) normalize(data, out, offset);
  else out.set(data, offset);
}
