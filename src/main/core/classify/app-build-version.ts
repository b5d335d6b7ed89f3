import { codeVersion } from '../models/store/code-version.ts';

let cached: string | null = null;

/**
 * Which build of the app analysed a track: the app version and, from a git checkout, the commit (e.g.
 * `0.1.0+0123456789ab`), stored as the engine version of every prediction in the library database. Analyses
 * that failed for a reason other than the file are tried again once this changes.
 * (Not the training cache's key: that is engineSourceFingerprint, which changes only with the engine's source.)
 */
export function appBuildVersion(): string {
  if (cached === null) {
    const { appVersion, gitCommit } = codeVersion();
    cached = gitCommit ? `${appVersion}+${gitCommit.slice(0, 12)}${gitCommit.endsWith('+dirty') ? '+dirty' : ''}` : appVersion;
  }
  return cached;
}
