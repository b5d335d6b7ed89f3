import { modelInputSources } from '../inference/model-input-sources.ts';
import { openSegmentClassifier } from '../segment-classifier.ts';
import type { InstalledModel } from './installed-model.ts';
import type { OpenedSegmentModel, SegmentModelOpenOptions } from './model-kind.ts';

const cpuOnly = (providers: readonly string[] | undefined): boolean => !providers || (providers.length === 1 && providers[0] === 'cpu');

/**
 * Opens a segment model (any kind whose role is 'segment') for inference: how each input is filled from a segment
 * (checked first: a model the engine cannot feed fails here), then its runtime session; a model that does not open
 * on the execution providers asked for (a GPU) opens on the CPU.
 */
export async function openSegmentModel(model: InstalledModel, options: SegmentModelOpenOptions): Promise<OpenedSegmentModel> {
  const sources = modelInputSources(model.manifest);
  if (options.remote) return { role: 'segment', model, classifier: options.remote.classifier(model), sources };
  // openSegmentClassifier reads the manifest and the folder of the version it is given.
  const version = { manifest: model.manifest, dir: model.dir, source: 'user' as const, active: true };
  const classifier = await openSegmentClassifier(version, options).catch((error: unknown) => {
    if ((options.runtime ?? 'onnx') !== 'onnx' || cpuOnly(options.onnx?.executionProviders)) throw error;
    return openSegmentClassifier(version, { ...options, onnx: { ...options.onnx, executionProviders: ['cpu'] } });
  });
  return { role: 'segment', model, classifier, sources };
}
