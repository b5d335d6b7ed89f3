import type { MessagePort } from 'node:worker_threads';
import type { InstalledModel } from '../kinds/installed-model.ts';
import type { SegmentClassifier } from '../segment-classifier.ts';
import type { FromSegmentInference, ToSegmentInference } from './segment-inference-protocol.ts';

/** Why a batch failed when the thread running the segment models went away (its port closed). */
export const SEGMENT_MODELS_GONE = 'the thread running the segment models ended';

/**
 * The segment models of another thread (segment-inference-server.ts), seen from an analysis thread: each batch is
 * posted over `port` and its probabilities come back, so the analysis goes on while the batch runs. onnxruntime
 * runs a batch on the thread that asks and blocks it; run in the analysis thread, every batch stopped the analysis.
 */
export class RemoteSegmentModels {
  private readonly port: MessagePort;
  private readonly pending = new Map<number, { resolve: (p: Float32Array) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private lost: string | null = null;

  constructor(port: MessagePort) {
    this.port = port;
    port.on('message', (m: FromSegmentInference) => {
      const waiting = this.pending.get(m.id);
      if (!waiting) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) port.unref();
      if (m.type === 'predicted') waiting.resolve(m.probabilities);
      else waiting.reject(new Error(m.message));
    });
    // the inference thread ended (or failed): what is still asked fails, and so does what comes
    port.on('close', () => this.fail(SEGMENT_MODELS_GONE));
    port.unref();
  }

  /** A classifier that runs `model` in the inference thread (which opened the same version). */
  classifier(model: InstalledModel): SegmentClassifier {
    return {
      manifest: model.manifest,
      runtime: 'onnx',
      sharedInputs: true,
      predict: (inputs, options) => this.request({ type: 'predict', id: this.nextId++, dir: model.dir, inputs, normalized: options?.normalized ?? false }),
      close: async () => {},
    };
  }

  private request(message: ToSegmentInference): Promise<Float32Array> {
    if (this.lost) return Promise.reject(new Error(this.lost));
    return new Promise((resolve, reject) => {
      this.pending.set(message.id, { resolve, reject });
      this.port.ref(); // an answer to wait for keeps this thread alive
      this.port.postMessage(message);
    });
  }

  private fail(why: string): void {
    this.lost ??= why;
    for (const waiting of this.pending.values()) waiting.reject(new Error(why));
    this.pending.clear();
  }

  close(): void {
    this.fail('the segment models were closed');
    this.port.close();
  }
}
