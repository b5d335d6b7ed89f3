import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { projectRoot } from '../../../project-root.ts';
import { codeVersion } from '../../models/store/code-version.ts';

const engineFolders = ['src/main/core/audio', 'src/main/core/dsp', 'src/main/core/features'];
let cached: string | null = null;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(p));
    else if (entry.isFile() && entry.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/**
 * Which analysis engine computed a cached analysis: a hash of the engine's own source (decoding, DSP, features),
 * e.g. `src-0123456789abcdef`, so any change to how segments, spectrograms or features are computed invalidates
 * every cached analysis and is recorded in the manifests of models trained on them. From a packaged build (no
 * sources) it is the app version (`app-0.1.0`). (Not the build recorded with predictions: see appBuildVersion.)
 */
export function engineSourceFingerprint(): string {
  if (cached) return cached;
  const dirs = engineFolders.map((f) => join(projectRoot, f));
  if (!dirs.every((d) => existsSync(d))) {
    cached = `app-${codeVersion().appVersion}`;
    return cached;
  }
  const hash = createHash('sha256');
  for (const file of dirs.flatMap(sourceFiles).sort()) {
    hash.update(relative(projectRoot, file).replace(/\\/g, '/'));
    hash.update('\0');
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  cached = `src-${hash.digest('hex').slice(0, 16)}`;
  return cached;
}
