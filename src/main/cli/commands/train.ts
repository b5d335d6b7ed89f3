import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { shippedModelsDir } from '../../core/models/store/shipped-models-dir.ts';
import type { TrainRequest } from '../../core/training/runs/requests.ts';
import { userDataDir } from '../../services/user-data-dir.ts';
import type { CliCommand } from '../command.ts';
import { UsageError } from '../command.ts';
import { runCliJob } from '../job-runner.ts';
import { formatDuration } from '../progress-printer.ts';
import { audioOptionSpecs, audioUsage, parseAudioOptions, parseChoice, parseFolds, parseModelKind, parseSeed } from './model-options.ts';

export const trainCommand: CliCommand = {
  name: 'train',
  summary: 'Train a model version (svm, cnn, mlfi, ensemble) and make it active',
  usage:
    'genre-tagger train --model svm|cnn|mlfi|ensemble --dataset PATH [--split DIR|FILE | --folds N] [--out DIR] ' +
    '[--version ID] [--seed N] [--pca auto|on|off] [--refit train+valid|train] [--cache DIR] [--fresh] [--epochs N]\n' +
    '[--interaction none|two-way|audio|vision] [--mode A|B] [--aggregation mean|geometric-mean|majority-vote] [--no-activate] [--json] [--quiet]\n\n' +
    'PATH: a feature table like features_30_sec.csv (SVM), a folder of <genre>/<file> audio or a labels.csv (path,genre).\n' +
    '--split: train/valid/test lists by track (a folder with train*.txt, valid*.txt, test*.txt, or one of them);\n' +
    '  hyper-parameters are chosen on the valid tracks, the test tracks are only used for the reported accuracy.\n' +
    '--folds N: k-fold cross-validation by track for the reported accuracy, then a final model on every track\n' +
    '  (the default, with N = 10, when no split is given).\n' +
    '--out DIR: write the version under DIR/<model>/<version>/ (e.g. the repository\'s models/) instead of the\n' +
    '  per-user model store.\n' +
    'CNN / MLFI with --folds: the recipe is cross-validated (7/2/1 folds: train, early stopping, test), then the final\n' +
    '  model is trained on all tracks but 2 folds held out for early stopping. Ensemble: weights of the active CNN,\n' +
    '  MLFI and SVM chosen on the out-of-fold probabilities of their cross-validated recipes.\n' +
    audioUsage,
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        model: { type: 'string' },
        dataset: { type: 'string' },
        split: { type: 'string' },
        folds: { type: 'string' },
        out: { type: 'string' },
        version: { type: 'string' },
        seed: { type: 'string' },
        pca: { type: 'string' },
        refit: { type: 'string' },
        'no-activate': { type: 'boolean' },
        description: { type: 'string' },
        json: { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
        ...audioOptionSpecs,
      },
    });
    const model = parseModelKind(values.model);
    if (!values.dataset) throw new UsageError('Name the training data with --dataset');
    if (values.split && values.folds) throw new UsageError('Give either --split or --folds, not both');
    if (values.version && !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(values.version)) throw new UsageError('--version may hold letters, digits, dot, dash and underscore');
    const dataDir = userDataDir();
    const request: TrainRequest = {
      model,
      dataset: values.dataset,
      split: values.split,
      folds: parseFolds(values.folds),
      out: values.out ? resolve(values.out) : undefined,
      version: values.version,
      seed: parseSeed(values.seed),
      pca: parseChoice('pca', values.pca, ['auto', 'on', 'off'] as const),
      refit: parseChoice('refit', values.refit, ['train+valid', 'train'] as const),
      activate: !values['no-activate'],
      description: values.description,
      dataDir,
      shippedDir: shippedModelsDir(),
      ...parseAudioOptions(values),
    };
    const { job, result } = await runCliJob('train', request, dataDir, values.quiet === true || values.json === true);
    if (job.status === 'cancelled') {
      process.stderr.write('Training cancelled; nothing was saved.\n');
      return 130;
    }
    if (job.status === 'failed' || !result) {
      process.stderr.write(`Training failed: ${job.error}\n`);
      return 1;
    }
    const { manifest, dir, active } = result.version;
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ kind: manifest.kind, version: manifest.version, dir, active, accuracy: result.accuracy, metrics: result.metrics, training: manifest.training })}\n`);
    } else {
      process.stdout.write(`${result.report}\n\n`);
      process.stdout.write(
        `Saved ${manifest.kind} version ${manifest.version}${active ? ' (now active)' : ''} in ${formatDuration(manifest.training.durationMs)}:\n  ${dir}\n`,
      );
    }
    return 0;
  },
};
