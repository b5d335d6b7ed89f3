import { join } from 'node:path';
import { projectRoot } from '../../../project-root.ts';

let override: string | null = null;

/**
 * The read-only folder of default models shipped with the app: the repository's `models/` from source; the packaged
 * app points it at resources/models, where electron-builder copies it.
 */
export function setShippedModelsDir(dir: string | null): void {
  override = dir;
}

/** The folder set with setShippedModelsDir, or null when running from source. */
export function shippedModelsDirOverride(): string | null {
  return override;
}

export function shippedModelsDir(): string {
  return override ?? join(projectRoot, 'models');
}

/** Where the user's own trained versions live. */
export function userModelsDir(dataDir: string): string {
  return join(dataDir, 'models');
}
