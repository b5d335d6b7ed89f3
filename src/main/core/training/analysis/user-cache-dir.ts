import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The per-user cache folder for analyses of training data: $XDG_CACHE_HOME (or ~/.cache)/genre-tagger on Linux,
 * ~/Library/Caches/genre-tagger on macOS, %LOCALAPPDATA%\genre-tagger\Cache on Windows; `<GENRE_TAGGER_HOME>/cache`
 * when GENRE_TAGGER_HOME is set (tests, portable installs). Safe to delete: everything in it is recomputed.
 */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.GENRE_TAGGER_HOME) return join(env.GENRE_TAGGER_HOME, 'cache');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'genre-tagger');
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'genre-tagger', 'Cache');
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'genre-tagger');
}
