import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Aggregation } from '../../models/aggregation/segment-aggregation.ts';
import { exportToOnnx } from '../../models/onnx/export-onnx.ts';
import type { LayersModel, Tf } from '../../models/runtime/tfjs-types.ts';
import { codeVersion } from '../../models/store/code-version.ts';
import type { ModelKind, ModelManifest } from '../../models/store/model-manifest.ts';
import type { ModelStore, ModelVersion } from '../../models/store/model-store.ts';
import { newVersionId } from '../../models/store/model-store.ts';
import { saveLayersModel } from '../../models/store/tfjs-model-files.ts';
import type { ClassificationMetrics } from '../metrics/classification-metrics.ts';
import { confusionMatrixSvg } from '../metrics/confusion-svg.ts';
import type { SegmentTrainingResult } from './train-segment-model.ts';

export interface SegmentModelDescription {
  /** A segment model kind (CNN, MLFI). */
  kind: ModelKind;
  architecture: string;
  labels: string[];
  /** The manifest's input specs (names, [-1, ...] shapes, spectrogram/window settings for the analysis engine). */
  inputs: ModelManifest['inputs'];
  aggregation: Aggregation;
  training: ModelManifest['training'];
  description?: string;
  version?: string;
  /** Metrics for the manifest instead of the trained result's valid/test (e.g. with cross-validation). */
  metrics?: ModelManifest['metrics'];
  /** What confusion.svg (and report.txt, when given) show, instead of the test or validation metrics. */
  headline?: { metrics: ClassificationMetrics; title: string };
  report?: string;
  /** Also save the TensorFlow.js files (default true; needed to continue training or to cross-check runtimes). */
  tfjs?: boolean;
}

/**
 * Saves a trained segment model as a version: TensorFlow.js files (to continue training or to cross-check),
 * the ONNX export (what inference runs), the manifest with normalisation statistics and metrics, and the
 * confusion matrix image of its headline evaluation.
 */
export async function saveSegmentModelVersion(
  tf: Tf,
  store: ModelStore,
  trained: { model: LayersModel } & Pick<SegmentTrainingResult, 'normalization' | 'valid' | 'test'>,
  description: SegmentModelDescription,
  options: { activate?: boolean; root?: string } = {},
): Promise<ModelVersion> {
  const manifest: ModelManifest = {
    formatVersion: 1,
    kind: description.kind,
    version: description.version ?? newVersionId(description.kind),
    architecture: description.architecture,
    description: description.description,
    labels: description.labels,
    inputs: description.inputs,
    aggregation: description.aggregation,
    normalization: trained.normalization,
    files: { onnx: 'model.onnx', ...(description.tfjs === false ? {} : { tfjs: 'tfjs/model.json' }), confusion: 'confusion.svg', ...(description.report ? { report: 'report.txt' } : {}) },
    training: description.training,
    metrics: description.metrics ?? { valid: trained.valid, ...(trained.test ? { test: trained.test } : {}) },
    createdAt: new Date().toISOString(),
    code: codeVersion(),
  };
  const headline = description.headline ?? { metrics: trained.test ?? trained.valid, title: `${manifest.architecture}, ${trained.test ? 'test' : 'validation'} tracks` };
  return store.save(
    manifest,
    async (dir) => {
      if (description.tfjs !== false) await saveLayersModel(tf, trained.model, join(dir, 'tfjs', 'model.json'));
      writeFileSync(join(dir, 'model.onnx'), exportToOnnx(trained.model, { producerVersion: manifest.code.appVersion, metadata: { labels: manifest.labels.join(',') } }));
      writeFileSync(join(dir, 'confusion.svg'), confusionMatrixSvg(headline.metrics, headline.title));
      if (description.report) writeFileSync(join(dir, 'report.txt'), `${description.report}\n`);
    },
    options,
  );
}
