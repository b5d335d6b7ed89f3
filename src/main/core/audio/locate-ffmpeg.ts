import { execFile, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { getEnvironmentData, setEnvironmentData } from 'node:worker_threads';
import { checkedFfmpegVersion, rememberFfmpegCheck } from './ffmpeg-check-cache.ts';

export interface FfmpegLocation {
  path: string;
  version: string;
  /** Where it was found: the FFMPEG_PATH variable, the PATH, or the binary packaged with the app. */
  source: 'env' | 'path' | 'packaged';
}

export class FfmpegNotFoundError extends Error {
  constructor() {
    super(
      'ffmpeg was not found. Install it (Debian/Ubuntu: `sudo apt install ffmpeg`, macOS: `brew install ffmpeg`, ' +
        'Windows: `winget install ffmpeg`) or set FFMPEG_PATH to the ffmpeg executable.',
    );
    this.name = 'FfmpegNotFoundError';
  }
}

let packagedDir: string | null = null;

/**
 * Where ffmpeg was found, kept as worker environment data as well as here: every thread started after it was found
 * (threads started by threads included) receives a copy and does not look again. Looking runs `ffmpeg -version`
 * (unless the data folder remembers its answer: ffmpeg-check-cache.ts), about 0.1 s of CPU for ffmpeg to start,
 * and the fork that starts it makes every page the looking thread's process writes afterwards fault once more; a
 * classification job's workers used to look once each.
 */
const FOUND = 'genre-tagger:ffmpeg-location';

function inherited(): FfmpegLocation | undefined {
  const found = getEnvironmentData(FOUND);
  return typeof found === 'string' ? (JSON.parse(found) as FfmpegLocation) : undefined;
}

let cached: FfmpegLocation | null | undefined = inherited();

function remember(found: FfmpegLocation | null): void {
  cached = found;
  setEnvironmentData(FOUND, found ? JSON.stringify(found) : undefined);
}

/** Where ffmpeg was found in this thread (or by the thread that started it); undefined when nobody has looked yet. */
export function knownFfmpegLocation(): FfmpegLocation | null | undefined {
  return cached;
}

/**
 * Takes where another thread found ffmpeg, as a thread started after it was found inherits it: for a thread started
 * before (a prestarted classification worker, told by its pool), which would otherwise look again.
 */
export function adoptFfmpegLocation(found: FfmpegLocation): void {
  remember(found);
}

/** The Electron build registers the folder of its bundled ffmpeg (resources/bin), tried after the PATH. */
export function setPackagedBinDir(dir: string | null): void {
  packagedDir = dir;
  remember(null);
  cached = undefined;
}

function candidates(env: NodeJS.ProcessEnv): { path: string; source: FfmpegLocation['source'] }[] {
  const exe = process.platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg';
  const list: { path: string; source: FfmpegLocation['source'] }[] = [];
  if (env.FFMPEG_PATH) list.push({ path: env.FFMPEG_PATH, source: 'env' });
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) list.push({ path: join(dir, exe), source: 'path' });
  if (packagedDir) list.push({ path: join(packagedDir, exe), source: 'packaged' });
  return list.filter((c) => isExecutable(c.path));
}

/** Finds ffmpeg: FFMPEG_PATH, then the PATH, then a packaged binary. Cached; null when there is none. */
export function locateFfmpeg(env: NodeJS.ProcessEnv = process.env): FfmpegLocation | null {
  if (cached !== undefined && env === process.env) return cached;
  let found: FfmpegLocation | null = null;
  for (const c of candidates(env)) {
    const version = checkedFfmpegVersion(c.path) ?? ffmpegVersion(c.path);
    if (version) {
      found = { path: c.path, version, source: c.source };
      break;
    }
  }
  if (env === process.env) remember(found);
  return found;
}

/**
 * locateFfmpeg without blocking the thread while `ffmpeg -version` runs (about 0.1 s, more on a busy machine):
 * a classification worker fills the cache this way while its models load, so its first decode finds it ready.
 */
export async function locateFfmpegAsync(): Promise<FfmpegLocation | null> {
  if (cached !== undefined) return cached;
  let found: FfmpegLocation | null = null;
  for (const c of candidates(process.env)) {
    const version =
      checkedFfmpegVersion(c.path) ??
      (await new Promise<string | null>((resolve) =>
        execFile(c.path, ['-hide_banner', '-version'], { encoding: 'utf8', timeout: 5000 }, (error, stdout) => resolve(error ? null : answered(c.path, stdout))),
      ));
    if (version) {
      found = { path: c.path, version, source: c.source };
      break;
    }
  }
  if (cached === undefined) remember(found);
  return cached ?? null;
}

/** Like locateFfmpeg, but throws a readable FfmpegNotFoundError. */
export function requireFfmpeg(): FfmpegLocation {
  const found = locateFfmpeg();
  if (!found) throw new FfmpegNotFoundError();
  return found;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function ffmpegVersion(path: string): string | null {
  const r = spawnSync(path, ['-hide_banner', '-version'], { encoding: 'utf8', timeout: 5000 });
  if (r.status !== 0) return null;
  return answered(path, r.stdout);
}

/** The version in a successful `-version` answer, remembered in the data folder for the next run. */
function answered(path: string, stdout: string): string {
  const version = parseVersion(stdout);
  rememberFfmpegCheck(path, version);
  return version;
}

function parseVersion(text: string): string {
  const m = /ffmpeg version (\S+)/.exec(text);
  return m ? m[1] : 'unknown';
}
