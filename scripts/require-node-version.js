// Checks the running Node.js against package.json's "engines.node" (">=MAJOR.MINOR.PATCH") and ends the process
// with one line when it is older. Plain JavaScript that every Node.js still in use can load, so it can speak
// before anything that needs the newer Node (TypeScript sources run by type stripping) is loaded.
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const wanted = /^>=\s*(\d+)\.(\d+)\.(\d+)$/.exec(pkg.engines?.node ?? '');
if (!wanted) throw new Error(`package.json "engines.node" must read ">=MAJOR.MINOR.PATCH", not ${JSON.stringify(pkg.engines?.node)}`);
const min = wanted.slice(1).map(Number);
const have = process.versions.node.split('.').map(Number);
const older = have[0] !== min[0] ? have[0] < min[0] : have[1] !== min[1] ? have[1] < min[1] : have[2] < min[2];

/** Ends the process (exit code 1) with one line when this Node.js is older than the one the project needs. */
export function requireNodeVersion(what) {
  if (!older) return;
  process.stderr.write(
    `${what} needs Node.js ${min.join('.')} or newer; this is ${process.versions.node}. ` +
      'Install a current Node.js (https://nodejs.org or your package manager), then run npm install again.\n',
  );
  process.exit(1);
}
