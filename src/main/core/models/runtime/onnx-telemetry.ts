import { isMainThread } from 'node:worker_threads';

/**
 * onnxruntime-node's native library collects telemetry unless the process environment holds
 * ORT_DISABLE_TELEMETRY=1 when a session is created: it writes a persistent device id and a queue of session
 * events (OS name, CPU model, memory, session ids) under the user's cache folder
 * (`$XDG_CACHE_HOME` or `~/.cache`, in `Microsoft/DeveloperTools/.onnxruntime/`). Genre Tagger sends nothing
 * anywhere, so it is turned off in every process that can create sessions.
 *
 * The library reads the real environment (getenv). Only the main thread of a process can change it: a worker
 * thread's `process.env` is a private copy. So this runs on the main thread before any worker is started
 * (`worker-url.ts`, through which every worker of the app is started, calls it when loaded) and again before the
 * runtime is loaded on a main thread; a worker only checks that its parent did it.
 */
export const onnxTelemetryVariable = 'ORT_DISABLE_TELEMETRY';

export function disableOnnxTelemetry(): void {
  if (isMainThread) process.env[onnxTelemetryVariable] = '1';
}

/** Throws when sessions created in this thread would write telemetry (a worker started before it was turned off). */
export function assertOnnxTelemetryDisabled(): void {
  disableOnnxTelemetry();
  if (process.env[onnxTelemetryVariable] !== '1') {
    throw new Error(
      `onnxruntime telemetry is not turned off in this process (${onnxTelemetryVariable}=1 must be set on the main ` +
        'thread before worker threads start: call disableOnnxTelemetry() there)',
    );
  }
}
