import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/main/project-root.ts';
import { makeAudioFile } from '../helpers/audio-fixtures.ts';
import { runCli } from '../helpers/run-cli.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

/**
 * onnxruntime-node writes a persistent device id and queued session events under the user's cache folder unless
 * ORT_DISABLE_TELEMETRY=1 is in the process environment. A classify (CNN and MLFI sessions in worker threads)
 * with HOME and XDG_CACHE_HOME set to fresh folders must leave both empty. The control run opens a session the
 * way any program would, without Genre Tagger's code, and shows that this onnxruntime does write those files, so
 * the check looks at the right place.
 */

const cnnModel = join(projectRoot, 'models', 'cnn', 'gtzan-cnn', 'model.onnx');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => !e.isDirectory())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

function freshHome(root: string, name: string): { HOME: string; XDG_CACHE_HOME: string } {
  const home = join(root, name);
  const cache = join(home, '.cache');
  mkdirSync(cache, { recursive: true });
  return { HOME: home, XDG_CACHE_HOME: cache };
}

describe('onnxruntime telemetry', () => {
  const tmp = makeTempDir('gt-telemetry-');
  afterAll(() => tmp.cleanup());

  it('is what writes a device id under the cache folder when nobody turns it off (control)', () => {
    const env = freshHome(tmp.dir, 'control');
    const script =
      "const ort = require('onnxruntime-node');" +
      'ort.InferenceSession.create(process.argv[1]).then((s) => s.release());';
    const r = spawnSync(process.execPath, ['-e', script, cnnModel], {
      cwd: projectRoot,
      // onnxruntime sends no telemetry at all when CI is set: unset it, or the control proves nothing.
      env: { ...process.env, ...env, ORT_DISABLE_TELEMETRY: undefined, CI: undefined },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(filesUnder(env.HOME)).toEqual(
      expect.arrayContaining([join('.cache', 'Microsoft', 'DeveloperTools', '.onnxruntime', 'deviceid')]),
    );
  });

  it('is off in a classify: no file appears in a fresh HOME or XDG_CACHE_HOME', async () => {
    const env = freshHome(tmp.dir, 'user');
    const music = join(tmp.dir, 'Music');
    makeAudioFile(join(music, 'tone.mp3'), { format: 'mp3', seconds: 4, source: 'sine=frequency=330' });
    const r = await runCli(['classify', music, '--db', join(tmp.dir, 'lib.sqlite'), '--json'], {
      env: { ...env, GENRE_TAGGER_HOME: join(tmp.dir, 'app-home'), ORT_DISABLE_TELEMETRY: undefined, CI: undefined },
    });
    expect(r.code, r.stderr).toBe(0);
    const line = JSON.parse(r.stdout.trim().split('\n')[0]) as { status: string; models: Record<string, unknown> };
    // The segment models ran on onnxruntime (in the classify workers).
    expect(line.status).toBe('ok');
    expect(Object.keys(line.models)).toEqual(expect.arrayContaining(['cnn', 'mlfi']));
    expect(filesUnder(env.HOME)).toEqual([]);
  });
});
