import { parentPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import type { InstalledModel } from '../core/models/kinds/installed-model.ts';
import { openSegmentInferenceServer } from '../core/models/inference/segment-inference-server.ts';
import type { SegmentInferenceServer } from '../core/models/inference/segment-inference-server.ts';
import { warmOnnxRuntime } from '../core/models/runtime/onnx-session.ts';

/** Set up by the classification pool (segment-inference-workers.ts). */
export interface SegmentInferenceWorkerData {
  /** The segment models among the active ones (CNN, MLFI): this thread opens them. */
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
let server: SegmentInferenceServer | null = null;
/** A close that came before the models were open: handled once onnxruntime is done with what it is doing. */
let closeWanted = false;
/** The models could not be opened: every port is closed at once, so that no batch waits for an answer. */
let failed = false;
let wake: (data: SegmentInferenceWorkerData | null) => void = () => {};
const configured = new Promise<SegmentInferenceWorkerData | null>((resolve) => (wake = resolve));

function closeNow(): void {
  const s = server;
  server = null;
  for (const p of early.splice(0)) p.close();
  void (s ? s.close() : Promise.resolve()).finally(() => port.close());
}

port.on('message', (m: ToSegmentInferenceWorker) => {
  if (m.type === 'configure') wake(m.data);
  else if (m.type === 'connect') {
    if (server) server.serve(m.port);
    else if (failed) m.port.close();
    else early.push(m.port);
  } else if (m.type === 'close') {
    // never in the middle of a call into onnxruntime: a thread ended inside one aborted the whole process
    if (server || failed) closeNow();
    else {
      closeWanted = true;
      wake(null);
    }
  }
});

async function run(): Promise<void> {
  let data: SegmentInferenceWorkerData | null;
  if ((workerData as { prestarted?: boolean }).prestarted) {
    // started before its job knew its models (classify-worker-prestart.ts): set up onnxruntime meanwhile
    await warmOnnxRuntime().catch(() => undefined);
    data = await configured;
  } else data = workerData as SegmentInferenceWorkerData;
  if (!data || closeWanted) {
    closeNow();
    return;
  }
  try {
    server = await openSegmentInferenceServer(data.models, {
      runtime: 'onnx',
      onnx: { threads: data.onnxThreads, executionProviders: data.executionProviders ?? ['cpu'] },
    });
  } catch (error) {
    send({ type: 'fatal', message: error instanceof Error ? error.message : String(error) });
    // the analysis workers' batches fail at once (their ports close, those that come later too) instead of waiting
    // for an answer forever; the thread waits for the pool's close
    failed = true;
    for (const p of early.splice(0)) p.close();
    return;
  }
  if (closeWanted) {
    closeNow();
    return;
  }
  for (const p of early.splice(0)) server.serve(p);
  send({ type: 'ready' });
}

await run();
