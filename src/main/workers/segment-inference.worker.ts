import { parentPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import type { InstalledModel } from '../core/models/kinds/installed-model.ts';
import { openSegmentInferenceServer } from '../core/models/inference/segment-inference-server.ts';
import { warmOnnxRuntime } from '../core/models/runtime/onnx-session.ts';

/** Set up by the classification pool (segment-inference-workers.ts). */
export interface SegmentInferenceWorkerData {
  /** The active models: this thread opens the segment models among them. */
  models: InstalledModel[];
  /** onnxruntime intra-op threads of each session. */
  onnxThreads: number;
  executionProviders?: string[];
}

export type ToSegmentInferenceWorker =
  /** A prestarted worker's models (its workerData is { prestarted: true }). */
  | { type: 'configure'; data: SegmentInferenceWorkerData }
  /** One more analysis worker's port (RemoteSegmentModels at its other end). */
  | { type: 'connect'; port: MessagePort }
  | { type: 'close' };
export type FromSegmentInferenceWorker = { type: 'ready' } | { type: 'fatal'; message: string };

// The thread that runs the segment models (CNN, MLFI) of the classification pool: each analysis worker posts its
// batches on a port of its own ('connect') and goes on analysing while they run here.
const port = parentPort!;
const send = (m: FromSegmentInferenceWorker): void => port.postMessage(m);
/** Ports that came before the models were open: served once they are. */
const early: MessagePort[] = [];
let serve: ((p: MessagePort) => void) | null = null;
let closeServer: (() => Promise<void>) | null = null;
let configure: (data: SegmentInferenceWorkerData) => void = () => {};
const configured = new Promise<SegmentInferenceWorkerData>((resolve) => (configure = resolve));
port.on('message', (m: ToSegmentInferenceWorker) => {
  if (m.type === 'configure') configure(m.data);
  else if (m.type === 'connect') {
    if (serve) serve(m.port);
    else early.push(m.port);
  } else if (m.type === 'close') {
    // between calls into onnxruntime: a thread terminated in one aborted the whole process
    if (!closeServer) process.exit(0);
    else void closeServer().finally(() => port.close());
  }
});

try {
  let data: SegmentInferenceWorkerData;
  if ((workerData as { prestarted?: boolean }).prestarted) {
    // started before its job knew its models (classify-worker-prestart.ts): set up onnxruntime meanwhile
    await warmOnnxRuntime().catch(() => undefined);
    data = await configured;
  } else data = workerData as SegmentInferenceWorkerData;
  const server = await openSegmentInferenceServer(data.models, {
    runtime: 'onnx',
    onnx: { threads: data.onnxThreads, executionProviders: data.executionProviders ?? ['cpu'] },
  });
  closeServer = () => server.close();
  serve = (p) => server.serve(p);
  for (const p of early.splice(0)) server.serve(p);
  send({ type: 'ready' });
} catch (error) {
  send({ type: 'fatal', message: error instanceof Error ? error.message : String(error) });
  // the analysis workers' batches fail at once (their ports close) instead of waiting for an answer forever
  serve = (p) => p.close();
  for (const p of early.splice(0)) p.close();
}
