#!/usr/bin/env node
// `npm start`: builds and opens the desktop app. Where Electron's binary could not be downloaded (offline
// installs, ELECTRON_SKIP_BINARY_DOWNLOAD=1), it says so and points to the CLI and the browser UI instead.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { requireNodeVersion } from './require-node-version.js';

// First: on an older Node.js nothing below would work, and what failed first would hide why.
requireNodeVersion('Genre Tagger');

const require = createRequire(import.meta.url);
const dev = process.argv.includes('--dev');

function electronBinary() {
  try {
    const pkgDir = dirname(require.resolve('electron/package.json'));
    const pathFile = join(pkgDir, 'path.txt');
    if (!existsSync(pathFile)) return null;
    const bin = join(pkgDir, 'dist', readFileSync(pathFile, 'utf8').trim());
    return existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

if (!electronBinary()) {
  process.stderr.write(`
Genre Tagger cannot open its window: the Electron binary is not installed.
(It is downloaded by Electron's install script, which was skipped or had no network,
 e.g. with ELECTRON_SKIP_BINARY_DOWNLOAD=1.)

Everything else works without it:
  npx genre-tagger serve              the same app in your browser (prints a local address to open)
  npx genre-tagger scan ~/Music       scan a folder from the command line
  npx genre-tagger list --search TEXT print the library

To get the desktop window, install Electron's binary with network access:
  node node_modules/electron/install.js     (or: npm rebuild electron)
`);
  process.exit(1);
}

const bin = join(dirname(require.resolve('electron-vite/package.json')), 'bin', 'electron-vite.js');
const r = spawnSync(process.execPath, [bin, dev ? 'dev' : 'preview'], { stdio: 'inherit' });
process.exit(r.status ?? 1);
