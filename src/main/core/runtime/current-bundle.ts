import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** What electron.vite.config.ts records of a build: every project file it was built from, and the lock file. */
interface SourceStamp {
  lock: string;
  files: Record<string, { size: number; mtimeMs: number; sha256: string }>;
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/**
 * The build's main folder (`out/main` under the project root) when it was built from exactly the sources and lock
 * file there now, else null (no build, an older one, or a source edited since). A file whose size and mtime match
 * is taken as unchanged; one whose mtime moved (a checkout, a touch) is hashed. About 300 files: a few
 * milliseconds. The CLI then runs its worker threads, ffmpeg's reader thread and its launcher from the build, as
 * the app does: Node's type stripping of every module in every thread cost a 4-track classification on 2 cores
 * 0.1–1.4 s of its fixed cost, depending on the run (README, "Against ffmpeg alone").
 */
export function currentBundleDir(projectRoot: string): string | null {
  const dir = join(projectRoot, 'out', 'main');
  let stamp: SourceStamp;
  try {
    stamp = JSON.parse(readFileSync(join(dir, 'source-files.json'), 'utf8')) as SourceStamp;
    if (sha256(readFileSync(join(projectRoot, 'package-lock.json'))) !== stamp.lock) return null;
    for (const [file, built] of Object.entries(stamp.files)) {
      const path = join(projectRoot, file);
      const now = statSync(path);
      if (now.size !== built.size) return null;
      if (now.mtimeMs !== built.mtimeMs && sha256(readFileSync(path)) !== built.sha256) return null;
    }
  } catch {
    return null; // no build, or a file it was built from is gone
  }
  return dir;
}
