import { join } from 'node:path';
import { loadSvmModel } from '../src/main/core/models/store/load-svm-model.ts';
import { ModelStore } from '../src/main/core/models/store/model-store.ts';
import { predictSvmPipeline } from '../src/main/core/models/svm/svm-pipeline.ts';
import type { SvmPipeline } from '../src/main/core/models/svm/svm-pipeline.ts';
import { readFeatureTable, selectRows } from '../src/main/core/training/datasets/feature-table.ts';
import { applySplit, readSplitFiles } from '../src/main/core/training/splits/split-files.ts';
import { fitSvmPipeline } from '../src/main/core/models/svm/svm-pipeline.ts';
import { embeddingColumnsFor, logProbabilityColumn } from '../src/main/core/personal/embedding-columns.ts';
import { projectRoot } from '../src/main/project-root.ts';

/** A simulated person's library built from the Kaggle feature table: embedding rows and the true genres. */
export interface SimulatedLibrary {
  featureNames: string[];
  rows: Float64Array;
  n: number;
  genres: string[];
  /** Base model's probabilities [n, 10] in `baseLabels` order. */
  base: Float64Array;
  baseLabels: string[];
}

function library(table: ReturnType<typeof readFeatureTable>, indices: number[], svm: SvmPipeline): SimulatedLibrary {
  const features = selectRows(table, indices);
  const n = indices.length;
  const base = predictSvmPipeline(svm, features, n);
  const labels = svm.labels;
  const featureNames = embeddingColumnsFor({ clip: table.featureNames, models: [{ kind: 'svm', labels }] });
  const d = featureNames.length;
  const rows = new Float64Array(n * d);
  const f = table.featureNames.length;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < f; j++) rows[i * d + j] = features[i * f + j];
    for (let c = 0; c < labels.length; c++) rows[i * d + featureNames.indexOf(logProbabilityColumn('svm', labels[c]))] = Math.log(Math.max(1e-4, base[i * labels.length + c]));
  }
  return { featureNames, rows, n, genres: indices.map((i) => table.rows[i].label), base, baseLabels: labels };
}

/**
 * The benchmark's data. `test`: the fault-filtered test split (290 tracks by artists the shipped SVM never saw) with
 * the shipped SVM as base model. `tuning`: the valid split (197 tracks) with an SVM fitted on the train split alone
 * (same hyper-parameters as the shipped one), so every choice of the personal model is made without the test part.
 */
export function gtzanLibraries(gtzanDir: string): { test: SimulatedLibrary; tuning: SimulatedLibrary } {
  const table = readFeatureTable(join(gtzanDir, 'features_30_sec.csv'));
  const parts = applySplit(table.rows.map((r) => r.track), readSplitFiles(join(gtzanDir, 'splits')));
  const store = new ModelStore({ userDir: join(projectRoot, 'bench', '.tmp', 'no-user-models'), shippedDir: join(projectRoot, 'models') });
  const shipped = store.active('svm');
  if (!shipped) throw new Error('The shipped SVM is missing');
  const svm = loadSvmModel(shipped);
  const trainOnly = fitSvmPipeline(
    selectRows(table, parts.train),
    parts.train.map((i) => svm.labels.indexOf(table.rows[i].label)),
    { labels: svm.labels, featureNames: [...table.featureNames] },
    svm.params,
  );
  return { test: library(table, parts.test, svm), tuning: library(table, parts.valid, trainOnly) };
}
