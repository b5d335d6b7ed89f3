#!/usr/bin/env node
// The `genre-tagger` command. After `npm run build`, and while that build matches the sources (every file it was
// built from, and the lock file: core/runtime/current-bundle.ts), it runs from the build (out/main/cli.js), as do
// its jobs' threads; otherwise it runs the TypeScript sources directly with Node's built-in type stripping
// (Node >= 22.18), so it needs no build step. GENRE_TAGGER_FROM_SOURCE=1 runs the sources anyway. From source,
// stripping the types of every module took 0.6-0.7 s on the 2-core benchmark machine before any command ran;
// from the build 0.2 s.
import { enableCompileCache } from 'node:module';
import { fileURLToPath } from 'node:url';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `genre-tagger needs Node.js 22.18 or newer (this is ${process.versions.node}). ` +
      'Install a current Node.js from https://nodejs.org or with your package manager.\n',
  );
  process.exit(1);
}
// V8's code cache of every module this command and its worker threads load, kept on disk (Node's module compile
// cache, by default under the temporary folder; NODE_COMPILE_CACHE=dir moves it, NODE_DISABLE_COMPILE_CACHE=1 turns it
// off): a later run skips parsing and compiling what an earlier one compiled. Each thread (the command and its worker
// threads) compiles its own modules; a fresh 4-file `classify` took 0.09-0.17 s less CPU on the 2-core benchmark
// machine (README, "Nineteenth round"). The workers inherit it through the environment.
const compileCache = enableCompileCache?.();
if (compileCache?.directory && process.env.NODE_COMPILE_CACHE === undefined) process.env.NODE_COMPILE_CACHE = compileCache.directory;
// `genre-tagger list | head` closes the pipe early: stop quietly, as other command-line tools do, instead of
// crashing with an unhandled EPIPE.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
/** The build's CLI while the build is current, else the sources'. */
async function cliEntry() {
  if (process.env.GENRE_TAGGER_FROM_SOURCE === '1') return '../src/main/cli/index.ts';
  try {
    const { currentBundleDir } = await import('../out/main/core/runtime/current-bundle.js');
    if (currentBundleDir(fileURLToPath(new URL('..', import.meta.url)))) return '../out/main/cli.js';
  } catch {
    // no build (or one from before the CLI was part of it)
  }
  return '../src/main/cli/index.ts';
}
const argv = process.argv.slice(2);
// The build's CLI, if there is a build, starts what the command needs first (a classification's first worker)
// before the check that the build is current, which takes a few tens of milliseconds while the other core idles.
const built = process.env.GENRE_TAGGER_FROM_SOURCE === '1' ? null : await import('../out/main/cli.js').catch(() => null);
await built?.startEarly?.(argv);
const entry = await cliEntry();
if (entry !== '../out/main/cli.js') await built?.discardEarly?.();
const { main } = entry === '../out/main/cli.js' && built ? built : await import(entry);
main(argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exitCode = 1;
  },
);
