import { entryFileUrl } from '../core/runtime/entry-file-url.ts';
import { disableOnnxTelemetry } from '../core/models/runtime/onnx-telemetry.ts';

// Before any worker of this process starts: workers inherit the environment and cannot change the real one.
disableOnnxTelemetry();

/**
 * The worker entry file `src/main/workers/<name>.worker.ts`: run by Node's type stripping from source (CLI, tests),
 * its bundle in the Electron build (core/runtime/entry-file-url.ts).
 */
export function workerUrl(name: string): URL {
  return entryFileUrl(`workers/${name}.worker`);
}
