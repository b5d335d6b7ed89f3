// Reproduces the shipped default models in models/ (npm run train:defaults).
//
// SVM: features_30_sec.csv (the Kaggle GTZAN table, librosa features of the 30 s clips) with the Kereliuk/Sturm
// fault-filtered split: C, gamma and PCA on/off chosen on the 197 validation tracks, final fit on the 443 + 197
// train and validation tracks, accuracy measured on the 290 test tracks. Seeded, so the weights are identical
// on every run; only the date, duration and commit in the manifest change.
//
// CNN, MLFI and the ensemble join once the analysis engine can turn the GTZAN audio into segments.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { projectRoot } from '../src/main/project-root.ts';
import { runTraining } from '../src/main/core/training/runs/run-training.ts';

const gtzan = resolve(projectRoot, process.env.GTZAN_DIR ?? '../shared/datasets/gtzan');
const modelsDir = join(projectRoot, 'models');
const rel = (p: string): string => relative(projectRoot, p) || '.';
const scratch = mkdtempSync(join(tmpdir(), 'genre-tagger-defaults-'));
process.chdir(projectRoot);
try {
  const started = performance.now();
  let lastLine = 0;
  const result = await runTraining(
    {
      model: 'svm',
      dataset: rel(join(gtzan, 'features_30_sec.csv')),
      split: rel(join(gtzan, 'splits')),
      out: modelsDir,
      version: 'gtzan-svm-filtered',
      seed: 1,
      pca: 'auto',
      refit: 'train+valid',
      activate: false,
      description:
        'Default SVM: RBF SVM with probability outputs on the 57 GTZAN features (Kaggle features_30_sec.csv), ' +
        'tuned on the fault-filtered validation tracks, fitted on the fault-filtered train and validation tracks (640), ' +
        'scored on its 290 test tracks. Apply to 30 s windows and average over the track.',
      dataDir: scratch,
      shippedDir: null,
    },
    {
      progress: (done, total, message) => {
        if (performance.now() - lastLine < 2000 && total !== null && done < total) return;
        lastLine = performance.now();
        process.stderr.write(`${message} ${done}/${total ?? '?'}\n`);
      },
    },
  );
  process.stdout.write(`${result.report}\n\nWrote ${rel(result.version.dir)} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
