import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { projectRoot } from '../../src/main/project-root.ts';

/** The shared GTZAN data, read in place from ../shared (never copied into the repo); GTZAN_DIR overrides. */
export const gtzanDir: string = process.env.GTZAN_DIR ?? resolve(projectRoot, '../shared/datasets/gtzan');

export function requireGtzan(): string {
  if (!existsSync(resolve(gtzanDir, 'features_30_sec.csv'))) {
    throw new Error(`GTZAN test data not found at ${gtzanDir} (expected ../shared/datasets/gtzan beside the repo, or set GTZAN_DIR)`);
  }
  return gtzanDir;
}
