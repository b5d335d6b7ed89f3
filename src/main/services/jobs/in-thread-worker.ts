import { EventEmitter } from 'node:events';
import { MessageChannel } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import type { JobDefinition } from '../../workers/run-job-on-port.ts';
import { runJobOnPort } from '../../workers/run-job-on-port.ts';
import type { JobWorkerData } from '../../workers/worker-protocol.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a job of any payload and result, as a worker file's
export type JobLoader = () => Promise<JobDefinition<any, any>>;

/**
 * A job run in the thread that starts it, speaking to the JobManager as its worker thread would (the same
 * messages, over a MessageChannel): for a one-shot CLI command, whose thread has nothing else to do while its job
 * runs. Each job thread started costs a fresh V8 isolate and its modules (0.1-0.2 s on the 2-core benchmark
 * machine), on the way from the command's start to its first classified track. The app never runs a job this way:
 * its main thread serves the window.
 */
export class InThreadWorker extends EventEmitter {
  private readonly port: MessagePort;
  private exitCode = 0;
  private exited = false;

  constructor(load: JobLoader, data: JobWorkerData) {
    super();
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    port1.on('message', (m: unknown) => this.emit('message', m));
    // the job closes its end after its result (or once released): the thread's exit, as a worker's would be
    port1.once('close', () => {
      this.exited = true;
      this.emit('exit', this.exitCode);
    });
    load().then(
      (job) => runJobOnPort(port2, data, job),
      (error: unknown) => {
        this.emit('error', error instanceof Error ? error : new Error(String(error)));
        this.exitCode = 1;
        port2.close();
      },
    );
  }

  postMessage(message: unknown): void {
    if (!this.exited) this.port.postMessage(message);
  }

  /**
   * Stops listening to the job (it was asked to cancel first, and its signal is aborted): the JobManager sees its
   * exit. Code of this thread cannot be stopped from outside as a worker thread can.
   */
  terminate(): Promise<number> {
    if (!this.exited) {
      this.exitCode = 1;
      this.port.close();
    }
    return Promise.resolve(1);
  }
}
