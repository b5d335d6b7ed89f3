import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { shippedModelsDir } from '../../core/models/store/shipped-models-dir.ts';
import type { EvaluateRequest } from '../../core/training/runs/requests.ts';
import { confusionMatrixSvg } from '../../core/training/metrics/confusion-svg.ts';
import { formatMetrics } from '../../core/training/metrics/metrics-text.ts';
import { userDataDir } from '../../services/user-data-dir.ts';
import type { CliCommand } from '../command.ts';
import { UsageError } from '../command.ts';
import { runCliJob } from '../job-runner.ts';
import { audioOptionSpecs, audioUsage, parseAudioOptions, parseChoice, parseFolds, parseModelKind, parseSeed } from './model-options.ts';

export const evaluateCommand: CliCommand = {
  name: 'evaluate',
  summary: 'Track-level accuracy, per-genre precision/recall/F1 and confusion matrix of a model',
  usage:
    'genre-tagger evaluate --model svm|cnn|mlfi|ensemble --dataset PATH [--split DIR|FILE | --folds N] ' +
    '[--version ID | --model-dir DIR] [--svg FILE] [--seed N] [--cache DIR] [--fresh] [--epochs N] [--interaction …] [--mode A|B]\n' +
    '[--aggregation …] [--json] [--quiet]\n\n' +
    'With --split, the active (or named) version is scored on the split\'s test tracks; with neither --split nor\n' +
    '--folds, on every track of the dataset. With --folds N, the training recipe is cross-validated by track\n' +
    '(a fresh model per fold, tuned on that fold\'s validation tracks; nothing is saved). On audio, CNN and MLFI are\n' +
    'shown beside the SVM trained on the same folds (engine features); the ensemble is scored by nested CV.\n' +
    audioUsage,
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        model: { type: 'string' },
        dataset: { type: 'string' },
        split: { type: 'string' },
        folds: { type: 'string' },
        version: { type: 'string' },
        'model-dir': { type: 'string' },
        svg: { type: 'string' },
        seed: { type: 'string' },
        pca: { type: 'string' },
        json: { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
        ...audioOptionSpecs,
      },
    });
    const model = parseModelKind(values.model);
    if (!values.dataset) throw new UsageError('Name the evaluation data with --dataset');
    if (values.split && values.folds) throw new UsageError('Give either --split or --folds, not both');
    if (values.folds && (values.version || values['model-dir'])) throw new UsageError('--folds cross-validates fresh models; it takes no --version');
    const dataDir = userDataDir();
    const request: EvaluateRequest = {
      model,
      dataset: values.dataset,
      split: values.split,
      folds: parseFolds(values.folds),
      version: values.version,
      modelDir: values['model-dir'],
      seed: parseSeed(values.seed),
      pca: parseChoice('pca', values.pca, ['auto', 'on', 'off'] as const),
      dataDir,
      shippedDir: shippedModelsDir(),
      ...parseAudioOptions(values),
    };
    const { job, result } = await runCliJob('evaluate', request, dataDir, values.quiet === true || values.json === true);
    if (job.status === 'cancelled') return 130;
    if (job.status === 'failed' || !result) {
      process.stderr.write(`Evaluation failed: ${job.error}\n`);
      return 1;
    }
    const subject = result.subject.kind === 'version' ? `${model} ${result.subject.version}` : `${model} recipe`;
    if (values.svg) writeFileSync(resolve(values.svg), confusionMatrixSvg(result.metrics, `${subject}, ${result.scope}`));
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ model, ...result, svg: values.svg ? resolve(values.svg) : null })}\n`);
    } else {
      process.stdout.write(`${formatMetrics(result.metrics, `${subject} on ${result.scope}`)}\n`);
      if (result.folds) process.stdout.write(`\nPer fold: ${result.folds.map((f) => `${(100 * f.accuracy).toFixed(0)}%`).join(' ')}\n`);
      for (const c of result.comparison ?? []) {
        const spread = c.meanAccuracy !== undefined ? ` (fold mean ${(100 * c.meanAccuracy).toFixed(1)}% ± ${(100 * (c.stdAccuracy ?? 0)).toFixed(1)})` : '';
        process.stdout.write(`Beside it: ${c.name}: ${(100 * c.accuracy).toFixed(1)}% of ${c.n}${spread}, macro F1 ${(100 * c.macroF1).toFixed(1)}%\n`);
      }
      for (const note of result.notes ?? []) process.stdout.write(`${note}\n`);
      if (values.svg) process.stdout.write(`\nConfusion matrix image: ${resolve(values.svg)}\n`);
    }
    return 0;
  },
};
