import { modelInputSources } from '../inference/model-input-sources.ts';
import type { InstalledModel } from './installed-model.ts';
import type { OpenedSegmentModel, SegmentModelOpenOptions } from './model-kind.ts';
import { openSegmentSession } from './open-segment-session.ts';

/**
 * Opens a segment model (any kind whose role is 'segment') for inference: how each input is filled from a segment
 * (checked first: a model the engine cannot feed fails here), then its runtime session, here or (options.remote) in
 * the thread that runs the segment models.
 */
export async function openSegmentModel(model: InstalledModel, options: SegmentModelOpenOptions): Promise<OpenedSegmentModel> {
  const sources = modelInputSources(model.manifest);
  if (options.remote) return { role: 'segment', model, classifier: options.remote.classifier(model), sources };
  return { role: 'segment', model, classifier: await openSegmentSession(model, options), sources };
}
