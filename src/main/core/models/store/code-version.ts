import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../../project-root.ts';

/** The app version and, when running from a git checkout, the commit: recorded in every manifest. */
export function codeVersion(): { appVersion: string; gitCommit: string | null } {
  let appVersion = '0.0.0';
  try {
    appVersion = (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    // packaged without package.json beside the sources: keep the placeholder
  }
  let gitCommit: string | null;
  try {
    gitCommit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() || null;
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    if (gitCommit && dirty) gitCommit += '+dirty';
  } catch {
    gitCommit = null;
  }
  return { appVersion, gitCommit };
}
