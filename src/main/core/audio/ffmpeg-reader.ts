import { Worker } from 'node:worker_threads';
import { FFMPEG_LAUNCHER_SOURCE, SPAWN_REPORTED_SOURCE } from './ffmpeg-launcher-source.ts';

/**
 * ffmpeg run by a helper thread that reads its output as fast as it comes.
 *
 * A pipe holds 64 KB. Read from the thread that also does the DSP, it is only emptied between two pieces of
 * analysis, so ffmpeg can never be more than 64 KB ahead and the two processes take turns instead of running side
 * by side (on a loaded machine each turn also waits for the scheduler: measured here, 25% more wall time). The
 * helper thread does nothing but read, so ffmpeg decodes at its own pace; what it reads waits in blocks sent to
 * this thread, at most BLOCKS of them (then the helper stops reading until this thread hands one back).
 *
 * One helper per thread, started on first use and kept until closeFfmpegReader() (it costs nothing while idle:
 * unref'd, no work). Its code is inline (an eval worker), so it runs the same from source and from the bundled app.
 */

/** ffmpeg's output travels in blocks of this size (about 1.5 s of 22050 Hz float32 stereo). */
export const BLOCK_BYTES = 256 << 10;
/** Blocks per run: how far ffmpeg may run ahead of the consumer (4 MB = 47 s of 22050 Hz float32 mono). */
const BLOCKS = 16;
/** A partly filled block is sent after this long without filling up (a slow source, or ffmpeg's last bytes). */
const FLUSH_MS = 10;

// Blocks, not the pipe's own chunks: ffmpeg writes every few kilobytes, and a message plus a fresh buffer per
// chunk cost more CPU than ffmpeg's decoding itself (about 0.46 s against 0.35 s for a 4-minute MP3, 14,000 page
// faults: each new buffer is memory the kernel has to hand over and zero). A run's blocks are allocated once and
// go back and forth: the consumer hands each one back (release) once it has copied what it needs, and the helper
// stops reading while every block is out, which is also the back-pressure that holds ffmpeg.
//
// ffmpeg itself is started by the launcher process (ffmpeg-launcher-source.ts), which sends its stdout pipe back:
// started from here, each fork would make every page of this process fault again. Where the launcher cannot run
// (Windows has no fork to avoid; a runtime that cannot run Node code) ffmpeg is started from here.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { spawn } = require('node:child_process');
const BLOCK = ${BLOCK_BYTES};
const BLOCKS = ${BLOCKS};
const FLUSH_MS = ${FLUSH_MS};
const LAUNCHER_SOURCE = ${JSON.stringify(FFMPEG_LAUNCHER_SOURCE)};
${SPAWN_REPORTED_SOURCE}
const runs = new Map();
/** Blocks no run holds, kept for the next run (fresh memory costs a page fault per 4 KB). */
const spare = [];
let launcher = null;
// GENRE_TAGGER_FFMPEG_LAUNCHER: 'off' starts ffmpeg from this process; any other value is the program to run
// the launcher with instead of this runtime (tests use it to check the fallback).
const LAUNCHER_ENV = process.env.GENRE_TAGGER_FFMPEG_LAUNCHER;
let launcherBroken = process.platform === 'win32' || LAUNCHER_ENV === 'off';
/** A launcher that has not said it is ready after this long is given up (and ffmpeg started from here). */
const LAUNCHER_READY_MS = 10000;

function send(run) {
  if (run.timer) { clearTimeout(run.timer); run.timer = null; }
  if (!run.block || run.fill === 0) return;
  const block = run.block.buffer;
  parentPort.postMessage({ type: 'out', id: run.id, block, bytes: run.fill }, [block]);
  run.block = null;
  run.fill = 0;
}
function take(run) {
  const free = run.free.pop();
  if (free) return new Uint8Array(free);
  run.held++;
  const kept = spare.pop();
  return kept ? new Uint8Array(kept) : new Uint8Array(BLOCK);
}
function finish(run, code, error) {
  if (run.done) return;
  send(run);
  run.done = true;
  runs.delete(run.id);
  keep(run.free.splice(0));
  if (runs.size === 0 && launcher) launcher.channel?.unref();
  parentPort.postMessage({ type: 'exit', id: run.id, code, error });
}
function keep(blocks) {
  for (const b of blocks) if (spare.length < BLOCKS) spare.push(b);
}
// Done once ffmpeg has exited and its stdout has ended (the pipe may still hold data when the exit is known).
function settle(run) {
  if (run.exit && (run.stdoutEnded || !run.stdout)) finish(run, run.exit.code, run.exit.error);
}
function attach(run, stdout) {
  run.stdout = stdout;
  stdout.on('error', () => {}); // 'close' follows, and the exit status says what went wrong
  stdout.on('data', (b) => {
    for (let off = 0; off < b.length; ) {
      if (!run.block) run.block = take(run);
      const n = Math.min(b.length - off, BLOCK - run.fill);
      run.block.set(n === b.length ? b : b.subarray(off, off + n), run.fill);
      run.fill += n;
      off += n;
      if (run.fill === BLOCK) send(run);
    }
    if (run.fill > 0 && !run.timer) run.timer = setTimeout(() => send(run), FLUSH_MS);
    if (!run.paused && run.free.length === 0 && run.held >= BLOCKS) {
      run.paused = true;
      stdout.pause();
    }
  });
  stdout.once('close', () => {
    run.stdoutEnded = true;
    settle(run);
  });
}
function startDirect(run) {
  spawnReported(
    run.command,
    run.args,
    (child) => {
      run.kill = () => child.kill('SIGKILL');
      attach(run, child.stdout);
    },
    (text) => parentPort.postMessage({ type: 'err', id: run.id, text }),
    (code, error) => {
      run.exit = { code, error };
      // a failure after the start ends the run at once; otherwise it ends once its stdout has been read too
      if (error !== null && run.stdout) finish(run, null, error);
      else settle(run);
    },
  );
}
function launcherLost(reason) {
  const l = launcher;
  launcher = null;
  if (l) clearTimeout(l.readyTimer);
  launcherBroken = true; // for this thread's lifetime: start ffmpeg directly from now on
  for (const run of runs.values()) {
    if (run.via !== l || run.done) continue;
    if (!run.stdout) {
      run.via = null;
      startDirect(run); // it never started: start it here instead
    } else {
      run.stdout.destroy();
      finish(run, null, 'the ffmpeg launcher process ended during the decode (' + reason + ')');
    }
  }
}
function toLauncher(l, message) {
  try {
    l.proc.send(message);
  } catch (e) {
    if (launcher === l) launcherLost(e.message);
  }
}
function theLauncher() {
  if (launcher || launcherBroken) return launcher;
  let proc;
  try {
    proc = spawn(LAUNCHER_ENV || process.execPath, ['-e', LAUNCHER_SOURCE], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      windowsHide: true,
    });
  } catch (e) {
    launcherBroken = true;
    return null;
  }
  const l = { proc, channel: proc.channel, readyTimer: null };
  launcher = l;
  proc.unref();
  // Electron runs as Node only with ELECTRON_RUN_AS_NODE; a runtime that ignores it never says it is ready
  l.readyTimer = setTimeout(() => {
    if (launcher !== l) return;
    proc.kill('SIGKILL');
    launcherLost('it did not start');
  }, LAUNCHER_READY_MS);
  l.readyTimer.unref();
  proc.on('message', (m, handle) => {
    if (m.type === 'ready') {
      clearTimeout(l.readyTimer);
      return;
    }
    const run = runs.get(m.id);
    if (!run || run.via !== l) {
      if (handle) handle.destroy();
      return;
    }
    if (m.type === 'stdout') attach(run, handle);
    else if (m.type === 'err') parentPort.postMessage({ type: 'err', id: m.id, text: m.text });
    else if (m.type === 'exit') {
      run.exit = { code: m.code, error: m.error };
      settle(run);
    }
  });
  proc.once('error', (e) => { if (launcher === l) launcherLost(e.message); });
  proc.once('exit', (code, signal) => { if (launcher === l) launcherLost('exit ' + (signal || code)); });
  return l;
}
parentPort.on('message', (m) => {
  if (m.type === 'start') {
    const run = {
      id: m.id, command: m.command, args: m.args, via: null, kill: null, stdout: null, stdoutEnded: false, exit: null,
      free: [], held: 0, block: null, fill: 0, timer: null, paused: false, done: false,
    };
    runs.set(m.id, run);
    const l = theLauncher();
    if (l) {
      run.via = l;
      run.kill = () => toLauncher(l, { type: 'kill', id: run.id });
      l.channel?.ref();
      toLauncher(l, { type: 'start', id: run.id, command: run.command, args: run.args });
    } else startDirect(run);
  } else if (m.type === 'free') {
    const run = runs.get(m.id);
    if (!run) {
      keep([m.block]);
      return;
    }
    run.free.push(m.block);
    if (run.paused) {
      run.paused = false;
      run.stdout.resume();
    }
  } else if (m.type === 'kill') {
    const run = runs.get(m.id);
    if (run && run.kill) run.kill();
  } else if (m.type === 'shutdown') {
    // The thread that uses this reader is ending: stop what runs, and end the launcher here, where its exit is
    // waited for (a launcher left to a terminated thread would stay a zombie until the process ends).
    for (const run of runs.values()) if (run.kill) run.kill();
    launcherBroken = true;
    const l = launcher;
    launcher = null;
    if (!l) {
      parentPort.postMessage({ type: 'closed' });
      return;
    }
    clearTimeout(l.readyTimer);
    l.proc.once('exit', () => parentPort.postMessage({ type: 'closed' }));
    try {
      l.proc.disconnect();
    } catch (e) {
      l.proc.kill('SIGKILL');
    }
    setTimeout(() => l.proc.kill('SIGKILL'), 2000).unref();
  }
});
`;

type FromHelper =
  | { type: 'out'; id: number; block: ArrayBuffer; bytes: number }
  | { type: 'err'; id: number; text: string }
  | { type: 'exit'; id: number; code: number | null; error: string | null }
  | { type: 'closed'; id?: undefined };

let helper: Worker | null = null;
let nextId = 1;
const listeners = new Map<number, (m: FromHelper) => void>();

function helperThread(): Worker {
  if (!helper) {
    const w = new Worker(WORKER_SOURCE, { eval: true });
    w.unref();
    w.on('message', (m: FromHelper) => {
      if (m.id !== undefined) listeners.get(m.id)?.(m);
    });
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

/**
 * Ends this thread's reader: kills any ffmpeg it still runs, ends its launcher process and waits for it, then
 * stops the helper thread. A thread that decoded calls this before it ends, so that no process it started
 * outlives it (a worker thread that is simply terminated leaves its launcher behind as a zombie process).
 */
export async function closeFfmpegReader(timeoutMs = 3000): Promise<void> {
  const w = helper;
  if (!w) return;
  helper = null;
  w.ref();
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    w.on('message', (m: FromHelper) => {
      if (m.type === 'closed') {
        clearTimeout(timer);
        resolve();
      }
    });
    w.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    w.postMessage({ type: 'shutdown' });
  });
  await w.terminate();
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
  w.postMessage({ type: 'start', id, command, args });
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
      if (buffer instanceof ArrayBuffer && buffer.byteLength === BLOCK_BYTES && helper === w) w.postMessage({ type: 'free', id, block: buffer }, [buffer]);
    },
    onStderr: (l) => (stderrListener = l),
    onActivity: (l) => (activity = l),
    exited,
    kill: () => {
      if (!ended) w.postMessage({ type: 'kill', id });
    },
  };
}
