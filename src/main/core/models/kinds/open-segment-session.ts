import { openSegmentClassifier } from '../segment-classifier.ts';
import type { SegmentClassifier } from '../segment-classifier.ts';
import type { OnnxSessionOptions } from '../runtime/onnx-session.ts';
import type { InstalledModel } from './installed-model.ts';

/** Which runtime runs a segment model, and onnxruntime's threads and execution providers. */
export interface SegmentSessionOptions {
  runtime?: 'onnx' | 'tfjs';
  /** onnxruntime's threads and execution providers; a model that does not open on the providers opens on the CPU. */
  onnx?: OnnxSessionOptions;
}

const cpuOnly = (providers: readonly string[] | undefined): boolean => !providers || (providers.length === 1 && providers[0] === 'cpu');

/**
 * The runtime session of a segment model (CNN, MLFI), without how its inputs are filled from a segment: what the
 * thread that runs the models needs (segment-inference-server.ts), which then loads neither the analysis engine nor
 * the other model kinds (their modules cost a fresh inference worker about 50 ms of CPU). A model that does not
 * open on the execution providers asked for (a GPU) opens on the CPU.
 */
export async function openSegmentSession(model: InstalledModel, options: SegmentSessionOptions): Promise<SegmentClassifier> {
  // openSegmentClassifier reads the manifest and the folder of the version it is given.
  const version = { manifest: model.manifest, dir: model.dir, source: 'user' as const, active: true };
  return openSegmentClassifier(version, options).catch((error: unknown) => {
    if ((options.runtime ?? 'onnx') !== 'onnx' || cpuOnly(options.onnx?.executionProviders)) throw error;
    return openSegmentClassifier(version, { ...options, onnx: { ...options.onnx, executionProviders: ['cpu'] } });
  });
}
