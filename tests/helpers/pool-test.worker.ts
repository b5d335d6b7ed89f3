import { parentPort, workerData } from 'node:worker_threads';

/** What the worker-pool tests ask of this worker, one message at a time. */
export type PoolTestOrder =
  | { type: 'echo'; id: number; value: string; ms: number }
  | { type: 'throw'; message: string }
  | { type: 'exit'; code: number }
  | { type: 'close' };
export type PoolTestReply = { type: 'ready' } | { type: 'fatal'; message: string } | { type: 'echo'; id: number; value: string };
export interface PoolTestWorkerData {
  /** Say 'fatal' with this message instead of 'ready' (a worker that cannot start). */
  fatal?: string;
  /** Say 'ready' only after this many milliseconds (a worker whose models take long to open). */
  readyAfterMs?: number;
}

// A real worker thread for the worker-pool tests (tests/unit/workers/worker-pool.test.ts): answers after a delay,
// throws an uncaught error, or exits, as told; says 'ready' first, or 'fatal' when its workerData says so.
const port = parentPort!;
const data = (workerData ?? {}) as PoolTestWorkerData;
const send = (m: PoolTestReply): void => port.postMessage(m);
if (data.fatal) send({ type: 'fatal', message: data.fatal });
else {
  port.on('message', (m: PoolTestOrder) => {
    if (m.type === 'echo') setTimeout(() => send({ type: 'echo', id: m.id, value: m.value }), m.ms);
    else if (m.type === 'throw')
      setTimeout(() => {
        throw new Error(m.message);
      });
    else if (m.type === 'exit') process.exit(m.code);
    else port.close();
  });
  setTimeout(() => send({ type: 'ready' }), data.readyAfterMs ?? 0);
}
