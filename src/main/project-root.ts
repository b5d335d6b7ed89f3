import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project's root: the nearest folder above this module holding package.json. From source that is the
 * repository (src/main/project-root.ts); in the build this module sits in a chunk of out/main at some depth, and
 * the walk finds the same root (the app's folder or archive when packaged).
 */
function findRoot(): string {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return fileURLToPath(new URL('../..', import.meta.url));
  }
}

/** The repository root when running from source (CLI, tests, benchmarks), and from its build. */
export const projectRoot: string = findRoot();
