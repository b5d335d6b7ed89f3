import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ActiveModel } from '../core/classify/active-models.ts';
import type { ClassifierPool, PoolOutcome } from '../core/classify/run-classification.ts';
import type { ClassifyTrackWorkerData, FromClassifyTrackWorker, ToClassifyTrackWorker } from './classify-track.worker.ts';
import { endWorker } from './end-worker.ts';
import { workerUrl } from './worker-url.ts';

export interface PoolSizing {
  workers: number;
  /** onnxruntime intra-op threads per worker: workers x threads is about the number of cores. */
  onnxThreads: number;
}

/** A pool sized to the machine: one worker per core (at most `wanted`), onnxruntime threads sharing the cores. */
export function poolSizing(wanted: number, cores = availableParallelism()): PoolSizing {
  const workers = Math.max(1, Math.min(wanted, cores));
  return { workers, onnxThreads: Math.max(1, Math.floor(cores / workers)) };
}

interface Member {
  worker: Worker;
  busy: { id: number; resolve: (o: PoolOutcome) => void; onProgress?: (f: number) => void; started: number } | null;
}

function crashed(message: string, started: number): PoolOutcome {
  return { status: 'error', reason: { code: 'analysis-failed', message: `Analysis failed: ${message}`, action: 'failed' }, elapsedMs: performance.now() - started };
}

/**
 * `size` worker threads (classify-track.worker.ts), each holding the active models open. `classify` hands a file
 * to an idle worker; a cancelled signal stops its analysis (ffmpeg is killed). A worker that dies reports its
 * track as failed and is replaced.
 */
export async function openClassifierPool(models: readonly ActiveModel[], size: number, options: { onnxThreads: number; batchSize?: number }): Promise<ClassifierPool> {
  const data: ClassifyTrackWorkerData = { models: [...models], onnxThreads: options.onnxThreads, batchSize: options.batchSize };
  const members: Member[] = [];
  const idle: Member[] = [];
  const waiting: ((m: Member) => void)[] = [];
  let nextId = 1;
  let closing = false;

  const release = (m: Member): void => {
    const w = waiting.shift();
    if (w) w(m);
    else idle.push(m);
  };

  const spawn = (): Promise<Member> =>
    new Promise((resolve, reject) => {
      const member: Member = { worker: new Worker(workerUrl('classify-track'), { workerData: data }), busy: null };
      let ready = false;
      member.worker.on('message', (m: FromClassifyTrackWorker) => {
        if (m.type === 'ready') {
          ready = true;
          resolve(member);
        } else if (m.type === 'fatal') {
          reject(new Error(m.message));
          void member.worker.terminate();
        } else if (m.type === 'progress') {
          if (member.busy?.id === m.id) member.busy.onProgress?.(m.fraction);
        } else if (member.busy?.id === m.id) {
          const { resolve: done } = member.busy;
          member.busy = null;
          done(m.outcome);
          release(member);
        }
      });
      const onDeath = (why: string): void => {
        if (!ready) {
          reject(new Error(why));
          return;
        }
        const i = members.indexOf(member);
        if (i >= 0) members.splice(i, 1);
        const busy = member.busy;
        member.busy = null;
        if (busy) busy.resolve(crashed(why, busy.started));
        if (!closing) {
          spawn().then(
            (fresh) => {
              members.push(fresh);
              release(fresh);
            },
            () => {},
          );
        }
      };
      member.worker.on('error', (e) => onDeath(`the analysis worker failed: ${e.message}`));
      member.worker.on('exit', (code) => {
        if (!closing) onDeath(`the analysis worker stopped (exit code ${code})`);
      });
    });

  try {
    for (const m of await Promise.all(Array.from({ length: size }, spawn))) {
      members.push(m);
      idle.push(m);
    }
  } catch (error) {
    closing = true;
    await Promise.all(members.map((m) => m.worker.terminate()));
    throw error;
  }

  const acquire = (): Promise<Member> => {
    const m = idle.pop();
    return m ? Promise.resolve(m) : new Promise((resolve) => waiting.push(resolve));
  };

  return {
    size,
    async classify(path, signal, onProgress) {
      const member = await acquire();
      const id = nextId++;
      return new Promise<PoolOutcome>((resolve) => {
        const onAbort = (): void => member.worker.postMessage({ type: 'cancel', id } satisfies ToClassifyTrackWorker);
        member.busy = {
          id,
          onProgress,
          started: performance.now(),
          resolve: (o) => {
            signal.removeEventListener('abort', onAbort);
            resolve(o);
          },
        };
        signal.addEventListener('abort', onAbort, { once: true });
        member.worker.postMessage({ type: 'classify', id, path } satisfies ToClassifyTrackWorker);
        if (signal.aborted) onAbort();
      });
    },
    async close() {
      closing = true;
      await Promise.all(members.map((m) => endWorker(m.worker, { type: 'close' } satisfies ToClassifyTrackWorker)));
    },
  };
}
