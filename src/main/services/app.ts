import { readFileSync } from 'node:fs';
import type { AppInfo } from '../../shared/api/app.ts';
import { locateFfmpeg } from '../core/audio/locate-ffmpeg.ts';
import type { AppContext } from './app-context.ts';
import type { HandlerSet } from './handler-set.ts';

let version: string | null = null;

export function appVersion(): string {
  if (version === null) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
      version = pkg.version;
    } catch {
      version = process.env.GENRE_TAGGER_VERSION ?? '0.0.0';
    }
  }
  return version;
}

export function appInfo(ctx: AppContext): AppInfo {
  const ffmpeg = locateFfmpeg();
  return {
    version: appVersion(),
    shell: ctx.shell === 'electron' ? 'electron' : 'http',
    dbPath: ctx.dbPath,
    ffmpeg: ffmpeg ? { path: ffmpeg.path, version: ffmpeg.version } : null,
    canPickFolder: ctx.pickFolder !== null,
  };
}

export function appHandlers(ctx: AppContext): HandlerSet<'app.'> {
  return {
    'app.info': () => appInfo(ctx),
    'app.pickFolder': async () => ({ path: ctx.pickFolder ? await ctx.pickFolder() : null }),
  };
}
