import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { projectRoot } from '../../../project-root.ts';

/**
 * The commit the build was made from, as electron.vite.config.ts recorded it (`out/main/code-version.json`), when
 * this code runs from that build; undefined from source. The build runs only while its sources are unchanged
 * (core/runtime/current-bundle.ts), so the commit it was made from names the code that runs, even after a commit
 * of the same files; the packaged app, which has no git checkout, keeps it too.
 */
function builtGitCommit(): string | null | undefined {
  const buildDir = join(projectRoot, 'out', 'main');
  if (!fileURLToPath(import.meta.url).startsWith(buildDir + sep)) return undefined;
  try {
    const { gitCommit } = JSON.parse(readFileSync(join(buildDir, 'code-version.json'), 'utf8')) as { gitCommit: string | null };
    return gitCommit;
  } catch {
    return undefined; // a build from before the file was recorded
  }
}

/** The app version and, when running from a git checkout, the commit: recorded in every manifest. */
export function codeVersion(): { appVersion: string; gitCommit: string | null } {
  let appVersion = '0.0.0';
  try {
    appVersion = (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    // packaged without package.json beside the sources: keep the placeholder
  }
  let gitCommit = builtGitCommit();
  if (gitCommit !== undefined) return { appVersion, gitCommit };
  try {
    gitCommit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() || null;
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    if (gitCommit && dirty) gitCommit += '+dirty';
  } catch {
    gitCommit = null;
  }
  return { appVersion, gitCommit };
}
