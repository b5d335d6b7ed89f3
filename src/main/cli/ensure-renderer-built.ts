import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../project-root.ts';

export const rendererOutDir = join(projectRoot, 'out', 'renderer');

/**
 * `serve` needs the built renderer. From a source checkout it is built on first use (electron-vite build), so
 * `npm install` then `npx genre-tagger serve` works without a separate build step.
 */
export function ensureRendererBuilt(log: (line: string) => void): string {
  const index = join(rendererOutDir, 'index.html');
  if (existsSync(index) && statSync(index).size > 0) return rendererOutDir;
  const bin = join(projectRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  if (!existsSync(bin)) {
    throw new Error(`The interface is not built (${index} is missing) and electron-vite is not installed to build it. Run \`npm install\` then \`npm run build\`.`);
  }
  log('Building the interface (first run only)…');
  const r = spawnSync(process.execPath, [bin, 'build'], { cwd: projectRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0 || !existsSync(index)) throw new Error('Building the interface failed; run `npm run build` to see why.');
  return rendererOutDir;
}
