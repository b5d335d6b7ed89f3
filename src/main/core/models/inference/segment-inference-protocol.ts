import type { SegmentInputs } from '../segment-classifier.ts';

/**
 * Messages between an analysis thread and the thread that runs its segment models (segment-inference-server.ts),
 * over a MessagePort of their own. Inputs travel as views of SharedArrayBuffers (nothing is copied); the batch
 * buffers go back to the analysis only once their answer came (segment-model-run.ts).
 */
export type ToSegmentInference = {
  type: 'predict';
  id: number;
  /** The model's version folder (InstalledModel.dir): which of the opened models runs. */
  dir: string;
  inputs: SegmentInputs;
  normalized: boolean;
};

export type FromSegmentInference =
  | { type: 'predicted'; id: number; probabilities: Float32Array }
  | { type: 'failed'; id: number; message: string };
