import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readManifest } from '../../src/main/core/models/store/model-store.ts';
import type { TrainRequest } from '../../src/main/core/training/runs/requests.ts';
import { projectRoot } from '../../src/main/project-root.ts';
import { EventBus } from '../../src/main/services/event-bus.ts';
import { JobManager } from '../../src/main/services/jobs/job-manager.ts';
import { requireGtzan } from '../helpers/gtzan.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

const run = promisify(execFile);
const cli = join(projectRoot, 'bin/genre-tagger.js');
let tmp: { dir: string; cleanup: () => void };
let dataset: string;
let split: string;

async function genreTagger(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], { env: { ...process.env, GENRE_TAGGER_HOME: join(tmp.dir, 'home') }, cwd: tmp.dir });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(() => {
  // A small real dataset: four genres of the Kaggle table and their fault-filtered split lists.
  const gtzan = requireGtzan();
  tmp = makeTempDir();
  const genres = ['classical', 'metal', 'pop', 'reggae'];
  const lines = readFileSync(join(gtzan, 'features_30_sec.csv'), 'utf8').trim().split('\n');
  dataset = join(tmp.dir, 'features.csv');
  writeFileSync(dataset, `${[lines[0], ...lines.slice(1).filter((l) => genres.some((g) => l.startsWith(`${g}.`)))].join('\n')}\n`);
  split = join(tmp.dir, 'split');
  mkdirSync(split);
  for (const part of ['train', 'valid', 'test']) {
    const list = readFileSync(join(gtzan, 'splits', `${part}_filtered.txt`), 'utf8').split('\n');
    writeFileSync(join(split, `${part}_filtered.txt`), `${list.filter((l) => genres.some((g) => l.startsWith(`${g}/`))).join('\n')}\n`);
  }
});
afterAll(() => tmp?.cleanup());

describe('genre-tagger train / evaluate / models', () => {
  it('trains an SVM version, makes it active, and evaluate recomputes its test accuracy', async () => {
    const trained = await genreTagger(['train', '--model', 'svm', '--dataset', dataset, '--split', split, '--pca', 'off', '--json']);
    expect(trained.stderr).toBe('');
    expect(trained.code).toBe(0);
    const t = JSON.parse(trained.stdout) as { version: string; dir: string; active: boolean; accuracy: number; training: { counts: Record<string, number> } };
    expect(t.active).toBe(true);
    expect(t.accuracy).toBeGreaterThan(0.6); // four well-separated genres
    const listed0 = (part: string) => readFileSync(join(split, `${part}_filtered.txt`), 'utf8').trim().split('\n').length;
    expect(t.training.counts).toMatchObject({ train: listed0('train'), valid: listed0('valid'), test: listed0('test') });
    const testTracks = listed0('test');
    expect(readManifest(t.dir).metrics.test?.accuracy).toBe(t.accuracy);

    const svg = join(tmp.dir, 'confusion.svg');
    const evaluated = await genreTagger(['evaluate', '--model', 'svm', '--dataset', dataset, '--split', join(split, 'test_filtered.txt'), '--svg', svg, '--json']);
    expect(evaluated.code).toBe(0);
    const e = JSON.parse(evaluated.stdout) as { subject: { version: string }; metrics: { accuracy: number; n: number } };
    expect(e.subject.version).toBe(t.version);
    expect(e.metrics.n).toBe(testTracks);
    expect(e.metrics.accuracy).toBe(t.accuracy);
    expect(readFileSync(svg, 'utf8')).toContain('<svg');

    const text = await genreTagger(['evaluate', '--model', 'svm', '--dataset', dataset, '--split', split]);
    expect(text.stdout).toContain(`of ${testTracks})`);
    expect(text.stdout).toContain('Confusion matrix');

    const listed = await genreTagger(['models', 'list', '--model', 'svm', '--json']);
    const versions = listed.stdout.trim().split('\n').map((l) => JSON.parse(l) as { version: string; active: boolean; source: string });
    expect(versions.find((v) => v.active)?.version).toBe(t.version);
    const rolled = await genreTagger(['models', 'rollback', '--model', 'svm']);
    expect(rolled.stdout).toContain('gtzan-svm-filtered');
  });

  it('says clearly what is missing or wrong', async () => {
    const cnn = await genreTagger(['train', '--model', 'cnn', '--dataset', dataset, '--quiet']);
    expect(cnn.code).toBe(1);
    expect(cnn.stderr).toMatch(/analysis engine/);
    const usage = await genreTagger(['train', '--model', 'svm']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--dataset/);
    const both = await genreTagger(['evaluate', '--model', 'svm', '--dataset', dataset, '--split', split, '--folds', '5']);
    expect(both.code).toBe(2);
  });

  it('trains in a worker thread that cancels cleanly and saves nothing', async () => {
    const gtzan = requireGtzan();
    const events = new EventBus();
    const home = join(tmp.dir, 'cancel-home');
    const jobs = new JobManager(events, { dbPath: '', dataDir: home });
    const request: TrainRequest = { model: 'svm', dataset: join(gtzan, 'features_30_sec.csv'), split: join(gtzan, 'splits'), dataDir: home, shippedDir: null };
    const job = jobs.start({ kind: 'train', worker: 'train', payload: request });
    let cancelled = false;
    const off = events.on('job.progress', (p) => {
      if (p.id === job.id && p.done >= 3 && !cancelled) {
        cancelled = true;
        jobs.cancel(job.id);
      }
    });
    const done = await jobs.wait(job.id);
    off();
    await jobs.shutdown();
    expect(done.status).toBe('cancelled');
    // Stopped by its AbortSignal (the worker reports the abort), not terminated after the grace period.
    expect(done.error).toMatch(/abort/i);
    const listed = await run(process.execPath, [cli, 'models', 'list', '--model', 'svm', '--json'], { env: { ...process.env, GENRE_TAGGER_HOME: home } });
    expect(listed.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { source: string }).source)).toEqual(['shipped']);
  });
});
