import { fileURLToPath } from 'node:url';
import type { CliCommand } from './command.ts';
import { UsageError } from './command.ts';
import { ApiError } from '../../shared/errors.ts';
import { currentBundleDir } from '../core/runtime/current-bundle.ts';
import { setBundledEntryDir } from '../core/runtime/entry-file-url.ts';
import { projectRoot } from '../project-root.ts';

/**
 * Every sub-command, in the order `genre-tagger --help` lists them, loaded when it runs: a command loads its own
 * modules only (`serve`'s HTTP server, for one, made every command load Node's fetch, 33 ms).
 */
const commands: Record<string, () => Promise<CliCommand>> = {
  classify: async () => (await import('./commands/classify.ts')).classifyCommand,
  scan: async () => (await import('./commands/scan.ts')).scanCommand,
  list: async () => (await import('./commands/list.ts')).listCommand,
  label: async () => (await import('./commands/label.ts')).labelCommand,
  labels: async () => (await import('./commands/labels.ts')).labelsCommand,
  review: async () => (await import('./commands/review.ts')).reviewCommand,
  retrain: async () => (await import('./commands/retrain.ts')).retrainCommand,
  tag: async () => (await import('./commands/tag.ts')).tagCommand,
  playlist: async () => (await import('./commands/playlist.ts')).playlistCommand,
  'tag-history': async () => (await import('./commands/tag-history.ts')).tagHistoryCommand,
  undo: async () => (await import('./commands/undo.ts')).undoCommand,
  analyze: async () => (await import('./commands/analyze.ts')).analyzeCommand,
  train: async () => (await import('./commands/train.ts')).trainCommand,
  evaluate: async () => (await import('./commands/evaluate.ts')).evaluateCommand,
  models: async () => (await import('./commands/models.ts')).modelsCommand,
  serve: async () => (await import('./commands/serve.ts')).serveCommand,
};

/**
 * The build's folder when this is the build's CLI (out/main/cli.js, which bin/genre-tagger.js runs only after finding
 * the build current), null from source.
 */
const builtDir = import.meta.url.endsWith('.ts') ? null : fileURLToPath(new URL('.', import.meta.url));
const runningFrom = builtDir ? 'from the build' : 'from source';

async function help(): Promise<string> {
  const all = await Promise.all(Object.values(commands).map((load) => load()));
  const width = Math.max(...all.map((c) => c.name.length));
  return [
    'genre-tagger: predict, review and write the genres of a local music library',
    '',
    'Commands:',
    ...all.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `genre-tagger <command> --help` for a command\'s options. Without --db, the library lives in the per-user',
    'data folder (GENRE_TAGGER_HOME overrides it).',
  ].join('\n');
}

/**
 * Jobs' worker threads, ffmpeg's reader thread and its launcher run from the build (npm run build) while it is
 * current, as in the app: their start is much cheaper than Node's type stripping of every module in every thread.
 * GENRE_TAGGER_FROM_SOURCE=1 runs them from source anyway. The build's CLI runs them from its own folder
 * (bin/genre-tagger.js checks that the build is current).
 */
function runThreadsFromTheBuild(): void {
  if (process.env.GENRE_TAGGER_FROM_SOURCE !== '1') setBundledEntryDir(builtDir ?? currentBundleDir(projectRoot));
}

/**
 * For `classify`: its first analysis worker, started on the core this thread leaves idle while it loads the command
 * and scans (one at most, however often this is called).
 */
async function prestartFor(argv: string[]): Promise<typeof import('../workers/classify-worker-prestart.ts') | null> {
  const [name, ...args] = argv;
  if (name !== 'classify' || args.includes('--help') || args.includes('-h')) return null;
  const prestart = await import('../workers/classify-worker-prestart.ts');
  prestart.prestartClassifyWorker();
  return prestart;
}

/**
 * Starts what `main(argv)` would start first (a classification's first analysis worker), for bin/genre-tagger.js to
 * call on the build's CLI before it has checked that the build is current: the check (about 300 files' sizes and
 * times, and the lock file's hash) took 20-30 ms on one core of the 2-core benchmark machine while the other idled.
 * If the build turns out not current, `discardEarly` ends what this started and the sources' CLI runs instead.
 */
export async function startEarly(argv: string[]): Promise<void> {
  runThreadsFromTheBuild();
  await prestartFor(argv);
}

/** Ends what startEarly started (the build was not current after all). */
export async function discardEarly(): Promise<void> {
  await (await import('../workers/classify-worker-prestart.ts')).discardPrestartedClassifyWorkers();
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${await help()}\n`);
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    const { appVersion } = await import('../services/app.ts');
    process.stdout.write(`${appVersion()} (${runningFrom})\n`);
    return 0;
  }
  const wantsHelp = args.includes('--help') || args.includes('-h');
  runThreadsFromTheBuild();
  // already under way if bin/genre-tagger.js called startEarly
  const prestart = await prestartFor(argv);
  const command = Object.hasOwn(commands, name) ? await commands[name]() : undefined;
  // the inference worker once this thread's own modules are loaded
  prestart?.prestartInferenceWorker();
  if (!command) {
    process.stderr.write(`Unknown command: ${name}\n\n${await help()}\n`);
    return 2;
  }
  if (wantsHelp) {
    process.stdout.write(`${command.summary}\n\nUsage: ${command.usage}\n`);
    return 0;
  }
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
  } finally {
    await prestart?.discardPrestartedClassifyWorkers();
  }
}
