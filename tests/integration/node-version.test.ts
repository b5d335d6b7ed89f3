import { spawnSync } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/main/project-root.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

/**
 * On a Node.js older than package.json's engines, `npm install` must fail at once with npm's engine error (not
 * warn for every package and exit 0), and `npm start` must say that Node is too old (not talk about Electron).
 * An older Node is played by this one: a module loaded with --import reports version 22.17.0 to everything
 * that asks (npm's engine check reads process.version; our scripts read process.versions.node).
 */

const tmp = makeTempDir('gt-node-version-');
afterAll(() => tmp.cleanup());

function olderNode(): string {
  const file = join(tmp.dir, 'node-22.17.mjs');
  writeFileSync(
    file,
    "Object.defineProperty(process, 'version', { value: 'v22.17.0' });\n" +
      "Object.defineProperty(process.versions, 'node', { value: '22.17.0' });\n",
  );
  return pathToFileURL(file).href;
}

describe('an older Node.js', () => {
  it('npm start: one line saying which Node.js is needed, before anything else', () => {
    const r = spawnSync(process.execPath, ['--import', olderNode(), join(projectRoot, 'scripts', 'start.js')], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      'Genre Tagger needs Node.js 22.18.0 or newer; this is 22.17.0. ' +
        'Install a current Node.js (https://nodejs.org or your package manager), then run npm install again.\n',
    );
    expect(r.stdout).toBe('');
  });

  it('npm ci fails with the engine error before fetching anything (engine-strict in .npmrc)', () => {
    const dir = join(tmp.dir, 'checkout');
    spawnSync('mkdir', ['-p', dir]);
    for (const f of ['package.json', 'package-lock.json', '.npmrc']) copyFileSync(join(projectRoot, f), join(dir, f));
    const r = spawnSync('npm', ['ci', '--dry-run', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, NODE_OPTIONS: `--import=${olderNode()}`, npm_config_engine_strict: undefined },
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/EBADENGINE/);
    expect(r.stderr).toMatch(/Not compatible with your version of node\/npm: genre-tagger@/);
    expect(r.stderr).toMatch(/Required: \{"node":">=22.18.0"\}/);
  });

  it('this Node.js passes both checks', () => {
    const start = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', `import(${JSON.stringify(pathToFileURL(join(projectRoot, 'scripts', 'require-node-version.js')).href)}).then((m) => { m.requireNodeVersion('x'); console.log('ok'); })`],
      { encoding: 'utf8' },
    );
    expect(start.stdout).toBe('ok\n');
    const config = spawnSync('npm', ['config', 'get', 'engine-strict'], { cwd: projectRoot, encoding: 'utf8', env: { ...process.env, npm_config_engine_strict: undefined } });
    expect(config.stdout.trim()).toBe('true');
  });
});
