import { homedir } from 'node:os';
import { join } from 'node:path';

export const appFolderName = 'genre-tagger';

/**
 * The platform's per-user data folder for the app, as Electron's `app.getPath('userData')` would place it:
 * $XDG_CONFIG_HOME (or ~/.config) on Linux, ~/Library/Application Support on macOS, %APPDATA% on Windows.
 * GENRE_TAGGER_HOME overrides it.
 */
export function userDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.GENRE_TAGGER_HOME) return env.GENRE_TAGGER_HOME;
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', appFolderName);
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), appFolderName);
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), appFolderName);
}

export function defaultDbPath(dataDir: string): string {
  return join(dataDir, 'library.sqlite');
}
