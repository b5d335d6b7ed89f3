import { Worker } from 'node:worker_threads';

/**
 * ffmpeg run by a helper thread that reads its output as fast as it comes.
 *
 * A pipe holds 64 KB. Read from the thread that also does the DSP, it is only emptied between two pieces of
 * analysis, so ffmpeg can never be more than 64 KB ahead and the two processes take turns instead of running side
 * by side (on a loaded machine each turn also waits for the scheduler: measured here, 25% more wall time). The
 * helper thread does nothing but read, so ffmpeg decodes at its own pace; what it reads waits in messages to
 * this thread, at most READ_AHEAD bytes (then the helper stops reading until this thread has caught up).
 *
 * One helper per thread, started on first use and kept (it costs nothing while idle: unref'd, no work). Its code
 * is inline (an eval worker), so it runs the same from source and from the bundled app.
 */

/** Bytes ffmpeg may run ahead of the consumer (4 MB = 47 s of 22050 Hz float32 mono; any DSP burst is far shorter). */
const READ_AHEAD = 4 << 20;

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { spawn } = require('node:child_process');
const READ_AHEAD = ${READ_AHEAD};
const runs = new Map();
parentPort.on('message', (m) => {
  if (m.type === 'start') {
    const run = { child: null, inflight: 0, paused: false, done: false };
    runs.set(m.id, run);
    const finish = (code, error) => {
      if (run.done) return;
      run.done = true;
      runs.delete(m.id);
      parentPort.postMessage({ type: 'exit', id: m.id, code, error });
    };
    try {
      run.child = spawn(m.command, m.args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    } catch (e) {
      finish(null, String((e && e.message) || e));
      return;
    }
    const child = run.child;
    child.once('error', (e) => finish(null, e.message));
    child.once('close', (code) => finish(code, null));
    child.stdout.on('data', (b) => {
      const data = b.buffer.slice(b.byteOffset, b.byteOffset + b.length);
      run.inflight += b.length;
      parentPort.postMessage({ type: 'out', id: m.id, data }, [data]);
      if (run.inflight > READ_AHEAD && !run.paused) {
        run.paused = true;
        child.stdout.pause();
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text) => parentPort.postMessage({ type: 'err', id: m.id, text }));
  } else if (m.type === 'ack') {
    const run = runs.get(m.id);
    if (!run) return;
    run.inflight -= m.bytes;
    if (run.paused && run.inflight < READ_AHEAD / 2) {
      run.paused = false;
      run.child.stdout.resume();
    }
  } else if (m.type === 'kill') {
    const run = runs.get(m.id);
    if (run && run.child) run.child.kill('SIGKILL');
  }
});
`;

type FromHelper =
  | { type: 'out'; id: number; data: ArrayBuffer }
  | { type: 'err'; id: number; text: string }
  | { type: 'exit'; id: number; code: number | null; error: string | null };

let helper: Worker | null = null;
let nextId = 1;
const listeners = new Map<number, (m: FromHelper) => void>();

function helperThread(): Worker {
  if (!helper) {
    const w = new Worker(WORKER_SOURCE, { eval: true });
    w.unref();
    w.on('message', (m: FromHelper) => listeners.get(m.id)?.(m));
    const fail = (message: string): void => {
      if (helper === w) helper = null;
      for (const [id, l] of listeners) l({ type: 'exit', id, code: null, error: message });
      listeners.clear();
    };
    w.on('error', (e) => fail(`ffmpeg reader thread failed: ${e.message}`));
    w.on('exit', () => fail('ffmpeg reader thread exited'));
    helper = w;
  }
  return helper;
}

/** A running ffmpeg: its stdout bytes, its stderr text, its end. */
export interface FfmpegRun {
  /** stdout in the chunks it was read in; ends when ffmpeg exits. */
  stdout: AsyncIterable<Uint8Array>;
  /** Called with each piece of stderr text. */
  onStderr: (listener: (text: string) => void) => void;
  /** Called whenever stdout bytes arrive (even before they are consumed). */
  onActivity: (listener: () => void) => void;
  exited: Promise<{ code: number | null; error: Error | null }>;
  /** Kills ffmpeg (SIGKILL) if it still runs. */
  kill: () => void;
}

/** Starts ffmpeg (command, args) in the reader thread. */
export function runFfmpeg(command: string, args: string[]): FfmpegRun {
  const w = helperThread();
  const id = nextId++;
  const queue: Uint8Array[] = [];
  let wake: (() => void) | null = null;
  let ended = false;
  let stderrListener: (text: string) => void = () => {};
  let activity: () => void = () => {};
  let resolveExit!: (r: { code: number | null; error: Error | null }) => void;
  const exited = new Promise<{ code: number | null; error: Error | null }>((r) => (resolveExit = r));
  let unacked = 0;
  listeners.set(id, (m) => {
    if (m.type === 'out') {
      queue.push(new Uint8Array(m.data));
      activity();
    } else if (m.type === 'err') stderrListener(m.text);
    else {
      ended = true;
      listeners.delete(id);
      if (listeners.size === 0) w.unref();
      resolveExit({ code: m.code, error: m.error === null ? null : new Error(m.error) });
    }
    const wk = wake;
    wake = null;
    wk?.();
  });
  w.ref(); // a decode in progress keeps the process alive
  w.postMessage({ type: 'start', id, command, args });
  const stdout: AsyncIterable<Uint8Array> = {
    async *[Symbol.asyncIterator]() {
      for (;;) {
        const chunk = queue.shift();
        if (chunk) {
          unacked += chunk.length;
          if (unacked >= 1 << 20 && !ended) {
            w.postMessage({ type: 'ack', id, bytes: unacked });
            unacked = 0;
          }
          yield chunk;
          continue;
        }
        if (ended) return;
        await new Promise<void>((r) => (wake = r));
      }
    },
  };
  return {
    stdout,
    onStderr: (l) => (stderrListener = l),
    onActivity: (l) => (activity = l),
    exited,
    kill: () => {
      if (!ended) w.postMessage({ type: 'kill', id });
    },
  };
}
