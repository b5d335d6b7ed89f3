import type { MessagePort } from 'node:worker_threads';
import type { InstalledModel } from '../kinds/installed-model.ts';
import { openSegmentSession } from '../kinds/open-segment-session.ts';
import type { SegmentSessionOptions } from '../kinds/open-segment-session.ts';
import type { SegmentClassifier } from '../segment-classifier.ts';
import type { FromSegmentInference, ToSegmentInference } from './segment-inference-protocol.ts';

/** The segment models open in this thread, answering the analysis threads connected to it. */
export interface SegmentInferenceServer {
  /** Answers the batches posted on `port` (RemoteSegmentModels at the other end) until it closes. */
  serve(port: MessagePort): void;
  close(): Promise<void>;
}

/**
 * Opens `models`, segment models all (CNN, MLFI: those whose kind's role is 'segment'), and runs the batches that
 * analysis threads post, one at a time, in the order they come.
 */
export async function openSegmentInferenceServer(models: readonly InstalledModel[], options: SegmentSessionOptions): Promise<SegmentInferenceServer> {
  const opened = new Map<string, SegmentClassifier>();
  try {
    for (const model of models) opened.set(model.dir, await openSegmentSession(model, options));
  } catch (error) {
    await Promise.all([...opened.values()].map((c) => c.close()));
    throw error;
  }
  const ports = new Set<MessagePort>();
  return {
    serve(port) {
      ports.add(port);
      port.on('message', (m: ToSegmentInference) => {
        const classifier = opened.get(m.dir);
        const answer = (reply: FromSegmentInference): void => port.postMessage(reply);
        if (!classifier) {
          answer({ type: 'failed', id: m.id, message: `The segment model ${m.dir} is not open` });
          return;
        }
        classifier.predict(m.inputs, { normalized: m.normalized }).then(
          (probabilities) => answer({ type: 'predicted', id: m.id, probabilities }),
          (error: unknown) => answer({ type: 'failed', id: m.id, message: error instanceof Error ? error.message : String(error) }),
        );
      });
      port.once('close', () => ports.delete(port));
    },
    async close() {
      for (const port of ports) port.close();
      await Promise.all([...opened.values()].map((c) => c.close()));
    },
  };
}
