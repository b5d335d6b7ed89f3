import { Worker } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { entryFileUrl } from '../runtime/entry-file-url.ts';
import { BLOCK_BYTES } from './ffmpeg-read-protocol.ts';
import { FIFO_READING_WORKER_OPTIONS } from './ffmpeg-shell-launcher.ts';
import type { FromReadThread, ToReadThread } from './ffmpeg-read-protocol.ts';

/**
 * ffmpeg run by a helper thread that reads its output as fast as it comes.
 *
 * A pipe holds 64 KB. Read from the thread that also does the DSP, it is only emptied between two pieces of
 * analysis, so ffmpeg can never be more than 64 KB ahead and the two processes take turns instead of running side
 * by side (on a loaded machine each turn also waits for the scheduler: measured here, 25% more wall time). The
 * helper thread does nothing but read, so ffmpeg decodes at its own pace; what it reads waits in blocks sent to
 * this thread, at most BLOCKS of them (then the helper stops reading until this thread hands one back). The
 * helper's code, and why it reads in blocks, is in ffmpeg-read.thread.ts; the messages are in ffmpeg-read-protocol.ts.
 *
 * One helper per thread, started on first use and kept until closeFfmpegReader() (it costs nothing while idle:
 * unref'd, no work), unless the thread was given a port to a helper shared with other threads
 * (useFfmpegReaderPort; shared-ffmpeg-reader.ts). It is an entry file (core/runtime/entry-file-url.ts): its source
 * from source, its bundle in the Electron build.
 */

/** This thread's way to its helper: the helper thread itself, or a port to a helper another thread started. */
type Link = Worker | MessagePort;

let helper: Link | null = null;
/** A port given by useFfmpegReaderPort, used once this thread first decodes. */
let givenPort: MessagePort | null = null;
let nextId = 1;
const listeners = new Map<number, (m: FromReadThread) => void>();
const toThread = (w: Link, message: ToReadThread): void => w.postMessage(message);

/** Starts a helper thread (not yet anyone's): unref'd, so that it never keeps the process alive by itself. */
export function startReaderThread(): Worker {
  const w = new Worker(entryFileUrl('core/audio/ffmpeg-read.thread'), FIFO_READING_WORKER_OPTIONS);
  w.unref();
  return w;
}

function helperThread(): Link {
  if (!helper) {
    const w: Link = givenPort ?? startReaderThread();
    givenPort = null;
    w.on('message', (m: FromReadThread) => {
      if (m.id !== undefined) listeners.get(m.id)?.(m);
    });
    const fail = (message: string): void => {
      if (helper === w) helper = null;
      for (const [id, l] of listeners) l({ type: 'exit', id, code: null, error: message });
      listeners.clear();
    };
    if (w instanceof Worker) {
      w.on('error', (e) => fail(`ffmpeg reader thread failed: ${e.message}`));
      w.on('exit', () => fail('ffmpeg reader thread exited'));
    } else {
      w.unref();
      w.on('close', () => fail('the shared ffmpeg reader closed'));
    }
    helper = w;
  }
  return helper;
}

/**
 * This thread decodes through the helper at the other end of `port` (SharedFfmpegReader.connect), with the
 * threads that share it, instead of starting its own. Call before the thread's first decode.
 */
export function useFfmpegReaderPort(port: MessagePort): void {
  if (helper) throw new Error('This thread already has its ffmpeg reader');
  givenPort = port;
}

/**
 * Starts this thread's reader and its launcher process now, so that the first decode does not wait for them (a
 * classification worker calls it while its models load). Costs nothing more later: both are started only once.
 */
export function prepareFfmpegReader(): void {
  toThread(helperThread(), { type: 'prepare' });
}

/**
 * Ends this thread's reader: kills any ffmpeg it still runs, ends its launcher process and waits for it, then
 * stops the helper thread. A thread that decoded calls this before it ends, so that no process it started
 * outlives it (a worker thread that is simply terminated leaves its launcher behind as a zombie process).
 */
export async function closeFfmpegReader(timeoutMs = 3000): Promise<void> {
  const w = helper ?? givenPort;
  helper = null;
  givenPort = null;
  if (w) await endReader(w, timeoutMs);
}

/**
 * Says `shutdown` to a helper and waits for `closed` (at most timeoutMs): a helper thread stops every run and its
 * launcher, then is terminated; a shared helper stops this thread's runs, and the port is closed.
 */
export async function endReader(w: Link, timeoutMs: number): Promise<void> {
  w.ref();
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    w.on('message', (m: FromReadThread) => {
      if (m.type === 'closed') done();
    });
    if (w instanceof Worker) w.once('exit', done);
    else w.once('close', done);
    toThread(w, { type: 'shutdown' });
  });
  if (w instanceof Worker) await w.terminate();
  else w.close();
}

/** A running ffmpeg: its stdout bytes, its stderr text, its end. */
export interface FfmpegRun {
  /**
   * stdout in blocks of at most BLOCK_BYTES, in order; ends when ffmpeg exits. Hand each block back with
   * release() once its bytes are no longer needed: ffmpeg is held while every block of the run is out.
   */
  stdout: AsyncIterable<Uint8Array>;
  /** Gives a block from stdout back for reuse (it must not be read afterwards). */
  release: (block: Uint8Array) => void;
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
  listeners.set(id, (m) => {
    if (m.type === 'out') {
      queue.push(new Uint8Array(m.block, 0, m.bytes));
      activity();
    } else if (m.type === 'err') stderrListener(m.text);
    else if (m.type === 'exit') {
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
  toThread(w, { type: 'start', id, command, args });
  const stdout: AsyncIterable<Uint8Array> = {
    async *[Symbol.asyncIterator]() {
      for (;;) {
        const chunk = queue.shift();
        if (chunk) {
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
    release: (block) => {
      const buffer = block.buffer;
      if (buffer instanceof SharedArrayBuffer && buffer.byteLength === BLOCK_BYTES && helper === w) toThread(w, { type: 'free', id, block: buffer });
    },
    onStderr: (l) => (stderrListener = l),
    onActivity: (l) => (activity = l),
    exited,
    kill: () => {
      if (!ended) toThread(w, { type: 'kill', id });
    },
  };
}
