import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { getEnvironmentData, setEnvironmentData } from 'node:worker_threads';

/**
 * Entry files: modules that run as a thread (`new Worker(url)`) or a process (`node file`) of their own, named for
 * how they run: `<name>.worker.ts` (job and pool workers), `<name>.thread.ts`, `<name>.process.ts`. From source
 * (CLI, tests, benchmarks) they run as they are, by Node's type stripping; in the Electron build electron-vite
 * bundles each `src/main/<path>.ts` to `out/main/<path>.js` (electron.vite.config.ts), and src/main/index.ts says
 * where that folder is.
 *
 * The folder is kept as worker environment data, not in module state: module state is per thread, while every
 * thread started after setBundledEntryDir (threads started by threads included) receives a copy of the
 * environment data, so an analysis worker finds the entry files it starts itself without being told.
 */
const BUNDLED_ENTRY_DIR = 'genre-tagger:bundled-entry-dir';

/** Points entry files at the bundle (`out/main`), or back at the sources with null. */
export function setBundledEntryDir(dir: string | null): void {
  setEnvironmentData(BUNDLED_ENTRY_DIR, dir ?? undefined);
}

/** The entry file `src/main/<path>.ts` from source, its bundle `out/main/<path>.js` in the Electron build. */
export function entryFileUrl(path: string): URL {
  const dir = getEnvironmentData(BUNDLED_ENTRY_DIR);
  if (typeof dir === 'string') return pathToFileURL(join(dir, `${path}.js`));
  return new URL(`../../${path}.ts`, import.meta.url);
}
