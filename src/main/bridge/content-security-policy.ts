import { AUDIO_SCHEME } from '../../shared/api/audio.ts';

/**
 * The renderer's Content-Security-Policy, the same in Electron and over HTTP: only the app's own scripts and
 * styles, no eval, no plugins, no frames; data: and blob: images for spectrogram pictures; audio from the track
 * stream only (`serve`'s own /audio/<id>, Electron's genre-audio://track/<id>; see shared/api/audio.ts).
 */
export function contentSecurityPolicy(devServer?: string): string {
  const self = devServer ? `'self' ${devServer}` : "'self'";
  const connect = devServer ? `'self' ${devServer} ${devServer.replace(/^http/, 'ws')}` : "'self'";
  return [
    "default-src 'none'",
    `script-src ${self}`,
    `style-src ${self}`,
    `img-src ${self} data: blob:`,
    `font-src ${self}`,
    `media-src 'self' ${AUDIO_SCHEME}:`,
    `connect-src ${connect}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

/** The policy as a <meta http-equiv> tag can carry it: frame-ancestors is only honoured in the header. */
export function metaContentSecurityPolicy(devServer?: string): string {
  return contentSecurityPolicy(devServer)
    .split('; ')
    .filter((d) => !d.startsWith('frame-ancestors'))
    .join('; ');
}
