import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { activeModels } from '../../../src/main/core/classify/active-models.ts';
import type { PoolOutcome } from '../../../src/main/core/classify/run-classification.ts';
import { ModelStore } from '../../../src/main/core/models/store/model-store.ts';
import { projectRoot } from '../../../src/main/project-root.ts';
import { openClassifierPool } from '../../../src/main/workers/classify-pool.ts';
import {
  discardPrestartedClassifyWorkers,
  prestartClassifyWorker,
  prestartInferenceWorker,
  takePrestartedClassifyWorker,
  takePrestartedInferenceWorker,
} from '../../../src/main/workers/classify-worker-prestart.ts';

/** Both kinds of classification worker, started before their pool (as `genre-tagger classify` starts them). */
function prestartClassifyWorkers(): { analysis: Worker; inference: Worker } {
  return { analysis: prestartClassifyWorker(), inference: prestartInferenceWorker() };
}
import { requireGtzan } from '../../helpers/gtzan.ts';
import { runCli } from '../../helpers/run-cli.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

const models = activeModels(new ModelStore({ userDir: join(tmp.dir, 'user'), shippedDir: join(projectRoot, 'models') }));
const clip = join(requireGtzan(), 'audio', 'jazz', 'jazz.00001.opus');

/** One pool of one worker (recording the workers it starts) that classifies the clip, then closes. */
async function classifyClip(): Promise<{ started: Worker[]; outcome: PoolOutcome }> {
  const started: Worker[] = [];
  const pool = await openClassifierPool(models, 1, { onWorkerStarted: (w) => started.push(w) });
  try {
    return { started, outcome: await pool.classify(clip, new AbortController().signal) };
  } finally {
    await pool.close();
  }
}

/** The probabilities of every model of a successful outcome. */
function probabilities(outcome: PoolOutcome): unknown {
  if (outcome.status !== 'ok') throw new Error(`not classified: ${JSON.stringify(outcome.reason)}`);
  return outcome.result.predictions.map((p) => [p.kind, Array.from(p.probabilities)]);
}

// `genre-tagger classify` starts its first analysis worker and its segment-inference worker before it loads its own
// code and scans (the core it leaves idle meanwhile does their start-up); the classification's pool then takes both
// and tells them their models.
describe('classification workers started before their job knows its models (real workers, shipped models, a GTZAN clip)', () => {
  it('are the pool’s first analysis and inference workers, and classify exactly as workers started with their models', { timeout: 180_000 }, async () => {
    expect(models.length).toBeGreaterThan(1);
    const workers = prestartClassifyWorkers();
    expect(prestartClassifyWorkers(), 'one of each at a time').toEqual(workers);
    const prestarted = workers.analysis;
    const adopted = await classifyClip();
    expect(adopted.started).toEqual([prestarted]);
    expect(takePrestartedClassifyWorker(), 'taken by the pool').toBeNull();
    expect(takePrestartedInferenceWorker(), 'taken by the pool').toBeNull();
    expect(prestarted.threadId, 'ended with its pool').toBe(-1);
    expect(workers.inference.threadId, 'ended with its pool').toBe(-1);

    const fresh = await classifyClip();
    expect(fresh.started).toHaveLength(1);
    expect(fresh.started[0]).not.toBe(prestarted);
    expect(probabilities(adopted.outcome)).toEqual(probabilities(fresh.outcome));
  });

  it('ones that stopped before the pool opened are not taken: the pool starts its own', { timeout: 120_000 }, async () => {
    const { analysis: prestarted, inference } = prestartClassifyWorkers();
    // they end by themselves (as ones that crashed would), without the pool knowing
    const exited = Promise.all([prestarted, inference].map((w) => new Promise<number>((resolve) => w.once('exit', resolve))));
    prestarted.postMessage({ type: 'close' });
    inference.postMessage({ type: 'close' });
    expect(await exited).toEqual([0, 0]);
    expect(takePrestartedInferenceWorker()).toBeNull();
    const { started, outcome } = await classifyClip();
    expect(started).toHaveLength(1);
    expect(started[0]).not.toBe(prestarted);
    expect(outcome.status).toBe('ok');
  });

  it('asked to close while its models open, each ends by itself once they are open', { timeout: 60_000 }, async () => {
    const { analysis: prestarted, inference } = prestartClassifyWorkers();
    expect(takePrestartedClassifyWorker()).toBe(prestarted);
    expect(takePrestartedInferenceWorker()).toBe(inference);
    const inferenceExited = new Promise<number>((resolve) => inference.once('exit', resolve));
    inference.postMessage({ type: 'configure', data: { models, onnxThreads: 1 } });
    inference.postMessage({ type: 'close' });
    const exited = new Promise<number>((resolve) => prestarted.once('exit', resolve));
    // as a pool closing before this worker was ready sends them (no reader port: it starts a reader of its own)
    prestarted.postMessage({ type: 'configure', data: { models, onnxThreads: 1 } });
    prestarted.postMessage({ type: 'close' });
    const code = await Promise.race([exited, new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 20_000))]);
    if (code === 'still running') await prestarted.terminate();
    expect(code, 'ended by itself (a terminated thread exits with 1)').toBe(0);
    const inferenceCode = await Promise.race([inferenceExited, new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 20_000))]);
    if (inferenceCode === 'still running') await inference.terminate();
    expect(inferenceCode, 'the inference worker ended by itself').toBe(0);
  });

  it('unused ones are ended by discarding them, and do not keep their process running', { timeout: 60_000 }, async () => {
    const { analysis: prestarted, inference } = prestartClassifyWorkers();
    const exited = Promise.all([prestarted, inference].map((w) => new Promise<number>((resolve) => w.once('exit', resolve))));
    await discardPrestartedClassifyWorkers();
    expect(await exited, 'each ended by itself').toEqual([0, 0]);
    expect(prestarted.threadId).toBe(-1);
    expect(takePrestartedClassifyWorker()).toBeNull();
    expect(takePrestartedInferenceWorker()).toBeNull();

    // a process that starts one and does nothing more ends by itself (the worker waits for its models forever)
    const module = pathToFileURL(join(projectRoot, 'src', 'main', 'workers', 'classify-worker-prestart.ts')).href;
    const script = join(tmp.dir, 'prestart-only.mjs');
    // (a file, not `node -e`: the worker would inherit --input-type and fail to start)
    writeFileSync(
      script,
      `import { prestartClassifyWorker, prestartInferenceWorker } from '${module}';\n` +
        // the process has work of its own for 3 s, long enough for the workers to start and wait for their models
        `let n = 0;\nfor (const x of [prestartClassifyWorker(), prestartInferenceWorker()]) x.on('online', () => ++n === 2 && console.log('online'));\n` +
        `setTimeout(() => console.log('done'), 3000);\n`,
    );
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    const ended = await new Promise<number | null | 'hung'>((resolve) => {
      const timer = setTimeout(() => resolve('hung'), 20_000);
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
    if (ended === 'hung') child.kill('SIGKILL');
    expect(ended).toBe(0);
    expect(output, 'both workers started').toBe('online\ndone\n');
  });

  it('`genre-tagger classify` with nothing to listen to ends, with the worker it started unused', { timeout: 60_000 }, async () => {
    const empty = join(tmp.dir, 'no-audio');
    mkdirSync(empty, { recursive: true });
    // (a worker that held the process open would leave the command running until the test's timeout)
    const result = await runCli(['classify', empty, '--db', join(tmp.dir, 'empty.sqlite')], { env: { GENRE_TAGGER_HOME: join(tmp.dir, 'home') } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('Listened to 0 of 0 new or changed tracks');
  });
});
