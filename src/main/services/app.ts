import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../project-root.ts';
import type { AppInfo } from '../../shared/api/app.ts';
import { locateFfmpeg } from '../core/audio/locate-ffmpeg.ts';
import type { AppContext } from './app-context.ts';
import type { HandlerSet } from './handler-set.ts';

let version: string | null = null;

/** The version in package.json, read from the source tree (the Electron app reports app.getVersion() instead). */
export function appVersion(): string {
  if (version === null) {
    try {
      const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string };
      version = pkg.version;
    } catch {
      version = '0.0.0';
    }
  }
  return version;
}

export function appInfo(ctx: AppContext): AppInfo {
  const ffmpeg = locateFfmpeg();
  return {
    version: ctx.version ?? appVersion(),
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
