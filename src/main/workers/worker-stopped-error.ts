/** The worker thread running a task stopped (crashed, exited or was terminated) before the task finished. */
export class WorkerStoppedError extends Error {
  /** What the worker was doing, naming the file: "analysing /music/a.flac". */
  readonly task: string;
  /** How it stopped: "it threw: …", "it exited with code 1", "the pool was closed". */
  readonly why: string;

  constructor(task: string, why: string) {
    super(`The worker thread ${task} stopped before it finished (${why})`);
    this.name = 'WorkerStoppedError';
    this.task = task;
    this.why = why;
  }
}
