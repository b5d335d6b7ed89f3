import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { metaContentSecurityPolicy } from '../../../src/main/bridge/content-security-policy.ts';
import { printable } from '../../../src/main/cli/printable.ts';
import { projectRoot } from '../../../src/main/project-root.ts';
import { isAllowedExternalUrl, isTrustedRendererUrl, RENDERER_URL, rendererFileFor } from '../../../src/main/window-security.ts';

describe('the Electron window trusts its own renderer only', () => {
  it('compares the dev server by origin, not by prefix', () => {
    const dev = 'http://localhost:5173';
    expect(isTrustedRendererUrl('http://localhost:5173/', dev)).toBe(true);
    expect(isTrustedRendererUrl('http://localhost:5173/src/main.ts?x#y', dev)).toBe(true);
    expect(isTrustedRendererUrl('http://localhost:5173.evil.example/', dev)).toBe(false);
    expect(isTrustedRendererUrl('http://localhost:51730/', dev)).toBe(false);
    expect(isTrustedRendererUrl('http://localhost:5173@evil.example/', dev)).toBe(false);
    expect(isTrustedRendererUrl('https://localhost:5173/', dev)).toBe(false);
  });

  it('serves the packaged renderer from app://renderer, and no file:// page is trusted', () => {
    expect(isTrustedRendererUrl(RENDERER_URL)).toBe(true);
    expect(isTrustedRendererUrl('app://renderer/assets/index.js')).toBe(true);
    expect(isTrustedRendererUrl('app://other/index.html')).toBe(false);
    expect(isTrustedRendererUrl('file:///tmp/index.html')).toBe(false);
    expect(isTrustedRendererUrl('not a url')).toBe(false);
  });

  it('maps app://renderer requests into the renderer folder and nowhere else', () => {
    const dir = '/opt/app/out/renderer';
    expect(rendererFileFor('app://renderer/', dir)).toBe(`${dir}/index.html`);
    expect(rendererFileFor('app://renderer/assets/a.js?v=1', dir)).toBe(`${dir}/assets/a.js`);
    expect(rendererFileFor('app://renderer/../../../etc/passwd', dir)).toBe(`${dir}/etc/passwd`); // URL parsing drops the ..
    expect(rendererFileFor('app://renderer/%2e%2e/%2e%2e/etc/passwd', dir)).toBe(`${dir}/etc/passwd`); // so does %2e%2e
    expect(rendererFileFor('app://renderer/..%2f..%2fetc%2fpasswd', dir)).toBeNull();
    expect(rendererFileFor('app://renderer/a%5c..%5c..%5cx', dir)).toBeNull();
    expect(rendererFileFor('app://renderer/%E0%A4%A', dir)).toBeNull();
    expect(rendererFileFor('app://elsewhere/index.html', dir)).toBeNull();
  });

  it('opens only allow-listed https links in the system browser', () => {
    expect(isAllowedExternalUrl('https://ffmpeg.org/download.html')).toBe(true);
    expect(isAllowedExternalUrl('https://github.com/x/y')).toBe(true);
    expect(isAllowedExternalUrl('http://github.com/')).toBe(false);
    expect(isAllowedExternalUrl('https://github.com.evil.example/')).toBe(false);
    expect(isAllowedExternalUrl('https://user@github.com/')).toBe(false);
    expect(isAllowedExternalUrl('file:///etc/passwd')).toBe(false);
    expect(isAllowedExternalUrl('smb://host/share')).toBe(false);
  });

  it('sets the CSP in the HTML as well: the header policy less frame-ancestors', () => {
    const html = readFileSync(join(projectRoot, 'src/renderer/index.html'), 'utf8');
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html);
    expect(meta?.[1]).toBe(metaContentSecurityPolicy());
  });

  it('the packaged app has its fuses set: no running as Node, no NODE_OPTIONS, no inspector, asar only', () => {
    const yml = readFileSync(join(projectRoot, 'electron-builder.yml'), 'utf8');
    const fuses = yml.slice(yml.indexOf('electronFuses:'));
    for (const line of [
      'runAsNode: false', 'enableCookieEncryption: true', 'enableNodeOptionsEnvironmentVariable: false',
      'enableNodeCliInspectArguments: false', 'enableEmbeddedAsarIntegrityValidation: true', 'onlyLoadAppFromAsar: true',
    ]) {
      expect(fuses).toContain(`  ${line}\n`);
    }
  });
});

describe('CLI tables print a file name on one line', () => {
  it('escapes control characters and backslashes, and leaves other names alone', () => {
    expect(printable('/music/Motörhead – Ace ♠.mp3')).toBe('/music/Motörhead – Ace ♠.mp3');
    expect(printable('/music/two\nlines.mp3')).toBe('/music/two\\nlines.mp3');
    expect(printable('a\tb\rc\u001b[31md\\e')).toBe('a\\tb\\rc\\x1b[31md\\\\e');
  });
});
