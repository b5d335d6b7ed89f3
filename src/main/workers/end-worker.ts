import type { Worker } from 'node:worker_threads';

/**
 * Asks a pool worker to end by itself (`message`: it releases what it holds, ffmpeg's launcher included, and lets
 * its thread end) and waits for it; a worker that has not ended after `graceMs` is terminated.
 */
export async function endWorker(worker: Worker, message: unknown, graceMs = 5000): Promise<void> {
  if (worker.threadId === -1) return; // already ended
  const ended = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.postMessage(message);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)));
  const outcome = await Promise.race([ended, late]);
  clearTimeout(timer);
  if (outcome === 'late') await worker.terminate();
}
