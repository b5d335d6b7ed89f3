import type { EnsembleMember } from '../ensemble/ensemble-members.ts';
import type { ModelInputSource } from '../inference/model-input-sources.ts';
import type { RemoteSegmentModels } from '../inference/remote-segment-classifier.ts';
import type { SegmentClassifier } from '../segment-classifier.ts';
import type { ModelKind } from '../store/model-kinds.ts';
import type { InstalledModel } from './installed-model.ts';
import type { SegmentSessionOptions } from './open-segment-session.ts';
import type { SegmentRecipeBook } from './segment-recipe.ts';

/**
 * How a kind of model hears a track:
 * - segment: one prediction per 3 s analysis segment (its inputs: the segment's spectrograms and features),
 *   averaged over the audible segments;
 * - window: one prediction per window of about 30 s (the 57 features pooled from the segments), averaged likewise;
 * - combiner: no input of its own; it combines the other models' predictions (the ensemble).
 */
export type ModelRole = 'segment' | 'window' | 'combiner';

interface ModelKindBase<N extends ModelKind> {
  name: N;
  /** As people read it ("CNN"). */
  title: string;
  /**
   * Where models of this kind stand in the default order in which models speak for a track (lowest first): a
   * combiner first, then single models by the accuracy they report, this order breaking ties.
   */
  preference: number;
}

export interface SegmentModelOpenOptions extends SegmentSessionOptions {
  /** Run the model in another thread (its session is open there) instead of opening it here. */
  remote?: RemoteSegmentModels;
}

/** A segment model opened for inference: its runtime session and how each of its inputs is filled from a segment. */
export interface OpenedSegmentModel {
  role: 'segment';
  model: InstalledModel;
  classifier: SegmentClassifier;
  sources: ModelInputSource[];
}

/** A window model opened for inference. */
export interface OpenedWindowModel {
  role: 'window';
  model: InstalledModel;
  /** The windows it is applied to: as long as the clips it learnt from, this far apart. */
  window: { seconds: number; hopSeconds: number };
  /** Each window's probabilities [w, k] from its 57 features [w, 57] (gtzanFeatureNames order). */
  predictWindows(rows: Float32Array, count: number): Float64Array;
}

/** A combiner opened for inference: the kinds it combines with their weights (and the versions it was made with). */
export interface OpenedCombiner {
  role: 'combiner';
  model: InstalledModel;
  members: EnsembleMember[];
}

export interface SegmentModelKind<N extends ModelKind = ModelKind> extends ModelKindBase<N> {
  role: 'segment';
  open(model: InstalledModel, options: SegmentModelOpenOptions): Promise<OpenedSegmentModel>;
  /** How training makes one (training/audio, training/runs). */
  training: SegmentRecipeBook;
}

/** A window model; training fits it on feature tables or on the engine's features of audio (training/svm). */
export interface WindowModelKind<N extends ModelKind = ModelKind> extends ModelKindBase<N> {
  role: 'window';
  open(model: InstalledModel): OpenedWindowModel;
}

/** A combiner; training chooses its members' weights on held-out tracks (training/runs/train-audio-version.ts). */
export interface CombinerModelKind<N extends ModelKind = ModelKind> extends ModelKindBase<N> {
  role: 'combiner';
  /** `memberKinds`: the kinds it may combine (every kind that is not a combiner). */
  open(model: InstalledModel, memberKinds: readonly ModelKind[]): OpenedCombiner;
}

/** What one kind of genre model is and how the rest of the code opens and trains it (registry.ts lists them). */
export type ModelKindDescriptor<N extends ModelKind = ModelKind> = SegmentModelKind<N> | WindowModelKind<N> | CombinerModelKind<N>;
