import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { disableOnnxTelemetry } from '../core/models/runtime/onnx-telemetry.ts';

// Before any worker of this process starts: workers inherit the environment and cannot change the real one.
disableOnnxTelemetry();

let bundledDir: string | null = null;

/**
 * Where worker entry files live. From source (CLI, tests) they are the `.worker.ts` files beside this one, run by
 * Node's type stripping; in the Electron build, index.ts points here at the bundled `workers/` folder.
 */
export function setBundledWorkerDir(dir: string | null): void {
  bundledDir = dir;
}

/** The bundled workers folder, or null from source: a job worker passes it on to the workers it starts itself. */
export function bundledWorkerDir(): string | null {
  return bundledDir;
}

export function workerUrl(name: string): URL {
  if (bundledDir) return pathToFileURL(join(bundledDir, `${name}.js`));
  return new URL(`./${name}.worker.ts`, import.meta.url);
}
