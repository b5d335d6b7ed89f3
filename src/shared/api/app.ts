import { z } from '../zod.ts';
import { method } from '../method.ts';

export interface AppInfo {
  version: string;
  /** 'electron' when the UI runs in the desktop window, 'http' when served by `genre-tagger serve`. */
  shell: 'electron' | 'http';
  dbPath: string;
  /** ffmpeg's path and version, or null when it cannot be found. */
  ffmpeg: { path: string; version: string } | null;
  /** True where a native folder picker exists (Electron); the browser UI asks for a typed path instead. */
  canPickFolder: boolean;
}

export const appApi = {
  'app.info': method(z.object({}).strict()).returns<AppInfo>(),
  'app.pickFolder': method(z.object({}).strict()).returns<{ path: string | null }>(),
};
