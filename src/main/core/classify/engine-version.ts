import { codeVersion } from '../models/store/code-version.ts';

let cached: string | null = null;

/**
 * Which code analysed a track, stored with every analysis: the app version and, from a git checkout, the commit.
 * Analyses that failed for a reason other than the file are tried again once this changes.
 */
export function analysisEngineVersion(): string {
  if (cached === null) {
    const { appVersion, gitCommit } = codeVersion();
    cached = gitCommit ? `${appVersion}+${gitCommit.slice(0, 12)}${gitCommit.endsWith('+dirty') ? '+dirty' : ''}` : appVersion;
  }
  return cached;
}
