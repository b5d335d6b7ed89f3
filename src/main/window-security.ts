import { isAbsolute, normalize, relative, resolve, sep } from 'node:path';

/**
 * The Electron window's trust rules, as plain functions (no Electron import, so they are unit-tested).
 *
 * The renderer is served from a custom privileged scheme, app://renderer/…, not file://: a file:// page may read
 * any file:// URL of the disk and every file:// page shares one origin, while app://renderer is an origin of
 * its own whose handler serves the renderer's folder and nothing else.
 */
export const RENDERER_SCHEME = 'app';
export const RENDERER_HOST = 'renderer';
export const RENDERER_URL = `${RENDERER_SCHEME}://${RENDERER_HOST}/index.html`;

/**
 * Links the app may hand to the system browser (shell.openExternal): these origins only, over https. Anything
 * else a page tries to open is dropped.
 */
export const EXTERNAL_LINK_ORIGINS: readonly string[] = ['https://ffmpeg.org', 'https://github.com'];

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * Whether `url` is the app's own renderer: with a dev server, the same origin as the dev server (scheme, host
 * and port; `http://localhost:5173.evil.example` and `http://localhost:51730` are not it); otherwise
 * app://renderer/….
 */
export function isTrustedRendererUrl(url: string, devServer?: string): boolean {
  const u = parse(url);
  if (!u) return false;
  if (devServer) {
    const d = parse(devServer);
    return d !== null && u.origin !== 'null' && u.origin === d.origin;
  }
  return u.protocol === `${RENDERER_SCHEME}:` && u.host === RENDERER_HOST && u.username === '' && u.password === '' && u.port === '';
}

/** Whether `url` may be opened in the system browser. */
export function isAllowedExternalUrl(url: string): boolean {
  const u = parse(url);
  return u !== null && u.protocol === 'https:' && u.username === '' && u.password === '' && EXTERNAL_LINK_ORIGINS.includes(u.origin);
}

/**
 * The file that answers an app://renderer request: inside `rendererDir` or null (another host, a path that
 * climbs out with .. or encoded separators, a malformed escape). "/" is index.html.
 */
export function rendererFileFor(url: string, rendererDir: string): string | null {
  const u = parse(url);
  if (!u || u.protocol !== `${RENDERER_SCHEME}:` || u.host !== RENDERER_HOST) return null;
  let path: string;
  try {
    path = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (path.includes('\0') || path.includes('\\')) return null;
  if (path === '/' || path === '') path = '/index.html';
  const root = resolve(rendererDir);
  const file = resolve(root, normalize(`.${path}`));
  const rel = relative(root, file);
  if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) return null;
  return file;
}
