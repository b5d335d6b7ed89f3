import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SvmPipeline, SvmPipelineJson } from '../svm/svm-pipeline.ts';
import { svmPipelineFromJson } from '../svm/svm-pipeline.ts';
import type { ModelVersion } from './model-store.ts';

export const svmModelFile = 'svm.json';

/** The SVM pipeline of a stored version (its manifest and folder). */
export function loadSvmModel(version: Pick<ModelVersion, 'manifest' | 'dir'>): SvmPipeline {
  if (version.manifest.kind !== 'svm') throw new Error(`${version.manifest.kind}/${version.manifest.version} is not an SVM`);
  const file = join(version.dir, version.manifest.files.svm ?? svmModelFile);
  const model = svmPipelineFromJson(JSON.parse(readFileSync(file, 'utf8')) as SvmPipelineJson);
  if (model.labels.join() !== version.manifest.labels.join()) throw new Error(`${file}: its labels differ from the manifest's`);
  return model;
}
