import { fileURLToPath } from 'node:url';
import type { CliCommand } from './command.ts';
import { UsageError } from './command.ts';
import { analyzeCommand } from './commands/analyze.ts';
import { classifyCommand } from './commands/classify.ts';
import { evaluateCommand } from './commands/evaluate.ts';
import { labelCommand } from './commands/label.ts';
import { labelsCommand } from './commands/labels.ts';
import { listCommand } from './commands/list.ts';
import { modelsCommand } from './commands/models.ts';
import { retrainCommand } from './commands/retrain.ts';
import { reviewCommand } from './commands/review.ts';
import { playlistCommand } from './commands/playlist.ts';
import { scanCommand } from './commands/scan.ts';
import { serveCommand } from './commands/serve.ts';
import { tagHistoryCommand } from './commands/tag-history.ts';
import { tagCommand } from './commands/tag.ts';
import { trainCommand } from './commands/train.ts';
import { undoCommand } from './commands/undo.ts';
import { ApiError } from '../../shared/errors.ts';
import { currentBundleDir } from '../core/runtime/current-bundle.ts';
import { setBundledEntryDir } from '../core/runtime/entry-file-url.ts';
import { projectRoot } from '../project-root.ts';

/** Every sub-command, in the order `genre-tagger --help` lists them. */
const commands: CliCommand[] = [
  classifyCommand,
  scanCommand,
  listCommand,
  labelCommand,
  labelsCommand,
  reviewCommand,
  retrainCommand,
  tagCommand,
  playlistCommand,
  tagHistoryCommand,
  undoCommand,
  analyzeCommand,
  trainCommand,
  evaluateCommand,
  modelsCommand,
  serveCommand,
];

/**
 * The build's folder when this is the build's CLI (out/main/cli.js, which bin/genre-tagger.js runs only after finding
 * the build current), null from source.
 */
const builtDir = import.meta.url.endsWith('.ts') ? null : fileURLToPath(new URL('.', import.meta.url));
const runningFrom = builtDir ? 'from the build' : 'from source';

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'genre-tagger: predict, review and write the genres of a local music library',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `genre-tagger <command> --help` for a command\'s options. Without --db, the library lives in the per-user',
    'data folder (GENRE_TAGGER_HOME overrides it).',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${help()}\n`);
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    const { appVersion } = await import('../services/app.ts');
    process.stdout.write(`${appVersion()} (${runningFrom})\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`Unknown command: ${name}\n\n${help()}\n`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${command.summary}\n\nUsage: ${command.usage}\n`);
    return 0;
  }
  // Jobs' worker threads, ffmpeg's reader thread and its launcher run from the build (npm run build) while it is
  // current, as in the app: their start is much cheaper than Node's type stripping of every module in every thread.
  // GENRE_TAGGER_FROM_SOURCE=1 runs them from source anyway.
  // The build's CLI runs them from its own folder (bin/genre-tagger.js checked it already).
  if (process.env.GENRE_TAGGER_FROM_SOURCE !== '1') setBundledEntryDir(builtDir ?? currentBundleDir(projectRoot));
  try {
    return await command.run(args);
  } catch (error) {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(`${error.message}\n\nUsage: ${command.usage}\n`);
      return 2;
    }
    if (error instanceof ApiError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
