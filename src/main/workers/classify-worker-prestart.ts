import { Worker } from 'node:worker_threads';
import type { TransferListItem } from 'node:worker_threads';
import type { ToClassifyTrackWorker } from './classify-track.worker.ts';
import type { ToSegmentInferenceWorker } from './segment-inference.worker.ts';
import { endWorker } from './end-worker.ts';
import { workerUrl } from './worker-url.ts';

/**
 * A worker's young generation (V8's nursery) in MB. V8 grew it to 8 MB in every worker's first track, and each page
 * of it is a page fault the first time it is used (about 12 us each on the 2-core benchmark machine, every run,
 * while both cores are busy). At 3 MB a 4-file job took about 3,500 fewer page faults; the scavenges were more
 * frequent but took the same time in all (171 ms in both, --trace-gc): what survives a track's allocations is small.
 */
const YOUNG_GENERATION_MB = 3;

/** Starts a classify-track worker thread (classify-track.worker.ts) with `workerData`. */
export function startClassifyTrackWorker(workerData: unknown, transferList: TransferListItem[] = []): Worker {
  return new Worker(workerUrl('classify-track'), {
    workerData,
    transferList,
    resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
  });
}

let prestarted: Worker | null = null;
let prestartedInference: Worker | null = null;

/** A worker started before its job, unref'd (it never holds the process open) and forgotten if it stops first. */
function prestart(start: () => Worker, forget: (w: Worker) => void): Worker {
  const worker = start();
  worker.unref();
  // an error before the pool takes it (the build is missing a file, the thread cannot start): the pool starts its
  // own workers as before, and reports that error if it recurs
  worker.on('error', () => forget(worker));
  worker.on('exit', () => forget(worker));
  return worker;
}

/**
 * Starts a classification's first analysis worker before the command that will need it has loaded its own code and
 * scanned its folders. A fresh `genre-tagger classify` spends its first 0.3 s on one thread (its modules, then the
 * scan) while the other core idles; every worker then started its thread and loaded its modules while both cores
 * were busy. Started here, it does that on the idle core and then waits for its models and ports (the pool hands
 * them over: classify-pool.ts). Unused, it ends with the command (discardPrestartedClassifyWorkers) and does not
 * hold the process open meanwhile.
 */
export function prestartClassifyWorker(): Worker {
  prestarted ??= prestart(
    () => startClassifyTrackWorker({ prestarted: true }),
    (w) => {
      if (prestarted === w) prestarted = null;
    },
  );
  return prestarted;
}

/**
 * Starts the classification's segment-inference worker before the pool needs it: it sets up onnxruntime, then
 * waits for its models (segment-inference-workers.ts). The command starts it once its own modules are loaded:
 * started with the analysis worker, the three threads slowed the command's start on 2 cores (6 alternated 4-file
 * runs: 4.05 s against 3.87 s).
 */
export function prestartInferenceWorker(): Worker {
  prestartedInference ??= prestart(
    () => new Worker(workerUrl('segment-inference'), { workerData: { prestarted: true } }),
    (w) => {
      if (prestartedInference === w) prestartedInference = null;
    },
  );
  return prestartedInference;
}

/** The prestarted analysis worker, once (it holds the process open from now on), or null if none was started or it stopped. */
export function takePrestartedClassifyWorker(): Worker | null {
  const worker = prestarted;
  prestarted = null;
  worker?.ref();
  return worker;
}

/** The prestarted segment-inference worker, once, or null. */
export function takePrestartedInferenceWorker(): Worker | null {
  const worker = prestartedInference;
  prestartedInference = null;
  worker?.ref();
  return worker;
}

/**
 * Ends the prestarted workers that nothing took (no track needed classifying, the command failed): each is asked to
 * end, which it does between calls into onnxruntime (a thread terminated inside one aborts the process), and
 * terminated only if it has not ended after `graceMs`.
 */
export async function discardPrestartedClassifyWorkers(graceMs = 5000): Promise<void> {
  const workers = [prestarted, prestartedInference].filter((w) => w !== null);
  prestarted = null;
  prestartedInference = null;
  const close = { type: 'close' } satisfies ToClassifyTrackWorker & ToSegmentInferenceWorker;
  await Promise.all(workers.map((w) => endWorker(w, close, graceMs)));
}
