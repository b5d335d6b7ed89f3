import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { MessagePort } from 'node:worker_threads';
import { BLOCK_BYTES, BLOCKS, FLUSH_MS } from './ffmpeg-read-protocol.ts';
import type { FromReadThread, ToReadThread } from './ffmpeg-read-protocol.ts';
import { startShellLauncher } from './ffmpeg-shell-launcher.ts';
import type { ShellLauncher } from './ffmpeg-shell-launcher.ts';
import { readPipeReusing } from './read-pipe-reusing.ts';
import { spawnReported } from './spawn-reported.ts';

/**
 * The ffmpeg reader's helper (ffmpeg-reader.ts says why it exists), run by a thread that does nothing else or by a
 * thread whose event loop stays free: runs ffmpeg, reads its stdout as fast as it comes and sends it to the reader
 * in blocks.
 *
 * Blocks, not the pipe's own chunks: ffmpeg writes every few kilobytes, and a message plus a fresh buffer per
 * chunk cost more CPU than ffmpeg's decoding itself (about 0.46 s against 0.35 s for a 4-minute MP3, 14,000 page
 * faults: each new buffer is memory the kernel has to hand over and zero). A run's blocks are allocated once and
 * go back and forth: the consumer hands each one back (release) once it has copied what it needs, and the helper
 * stops reading while every block is out, which is also the back-pressure that holds ffmpeg. Blocks are
 * SharedArrayBuffers, posted without a transfer list: transferring (detaching) ArrayBuffers back and forth showed
 * as 0.1 s of postMessage per 4-minute track on a classification worker's thread, and more garbage collection.
 * The pipe itself is read into one reused buffer (read-pipe-reusing.ts), not into a fresh Buffer per read.
 *
 * ffmpeg itself is started by the launcher shell (ffmpeg-shell-launcher.ts), and read from the named pipes it writes
 * into: started from here, each fork would make every page of this process fault again. Where the launcher cannot
 * run (Windows has no fork to avoid, nor /bin/sh; a system without mkfifo) ffmpeg is started from here.
 *
 * It serves the thread that started it and any thread connected to it (a classification pool's workers share one
 * reader and one launcher: shared-ffmpeg-reader.ts); each run belongs to the thread that asked for it.
 */

/** A thread this reader serves: the one that started it, or one connected over a MessagePort. */
interface Client {
  port: MessagePort;
  /** This client's runs, by the ids it gave them. */
  runs: Map<number, Run>;
  /** The thread that started the reader: its shutdown ends the launcher too. */
  owner: boolean;
  /** Said shutdown: 'closed' goes back once its last run has ended. */
  leaving: boolean;
}

interface Run {
  client: Client;
  id: number;
  /** The id the launcher knows this run by (unique across clients). */
  launchId: number;
  command: string;
  args: string[];
  /** The launcher that starts this run's ffmpeg, or null when started from here. */
  via: ShellLauncher | null;
  kill: (() => void) | null;
  stdout: Readable | null;
  stdoutEnded: boolean;
  exit: { code: number | null; error: string | null } | null;
  /** Blocks handed back by the consumer, ready to fill again. */
  free: SharedArrayBuffer[];
  /** Blocks this run has taken (out with the consumer, being filled, or free). */
  held: number;
  block: Uint8Array<SharedArrayBuffer> | null;
  fill: number;
  timer: NodeJS.Timeout | null;
  paused: boolean;
  /** Killed on request: what ffmpeg wrote and nobody read is not wanted, so its end does not wait for it. */
  stopped: boolean;
  done: boolean;
  /** Its command and arguments, which a 'start' must repeat to take it when it was started ahead. */
  key: string;
  /**
   * Started ahead ('startAhead') and not yet taken by a 'start': what it would send waits here (a start takes it
   * with its own id). Null once taken, and for a run started by a 'start'.
   */
  waiting: FromReadThread[] | null;
  /** Kills a run started ahead that nobody has taken. */
  unclaimed: NodeJS.Timeout | null;
}

/** How long a run started ahead waits to be taken before it is killed. */
const START_AHEAD_MS = 60_000;

/** What a 'start' must repeat to take a run started ahead: the same command and arguments. */
function runKey(command: string, args: readonly string[]): string {
  return JSON.stringify([command, ...args]);
}

/**
 * Serves ffmpeg runs on `ownerPort` (ToReadThread in, FromReadThread out) from this thread's event loop, and on every
 * port connected through it, until the owner says 'shutdown'. A reader thread (ffmpeg-read.thread.ts) runs it for
 * the thread that started it; a thread whose event loop stays free while others decode (a classification job's,
 * shared-ffmpeg-reader.ts) runs it itself, which saves starting a thread: a Node isolate of its own.
 */
export function serveFfmpegReads(ownerPort: MessagePort): void {
  const post = (client: Client, message: FromReadThread): void => client.port.postMessage(message);
  /** What a run sends its client, or keeps until a 'start' takes it when it was started ahead. */
  const postRun = (run: Run, message: FromReadThread): void => {
    if (run.waiting) run.waiting.push(message);
    else post(run.client, message);
  };

  /** Every client's runs. */
  const runs = new Set<Run>();
  /** Runs started by the launcher, by launchId. */
  const launched = new Map<number, Run>();
  /** Runs started ahead that no 'start' has taken yet, oldest first (ended ones too: their output waits). */
  const ahead: Run[] = [];
  let nextLaunchId = 1;
  /** Blocks no run holds, kept for the next run (fresh memory costs a page fault per 4 KB). */
  const spare: SharedArrayBuffer[] = [];
  let launcher: ShellLauncher | null = null;
  // GENRE_TAGGER_FFMPEG_LAUNCHER: 'off' starts ffmpeg from this process; any other value is the shell to run the
  // launcher with instead of /bin/sh (tests use it to check the fallback).
  const LAUNCHER_ENV = process.env.GENRE_TAGGER_FFMPEG_LAUNCHER;
  let launcherBroken = process.platform === 'win32' || LAUNCHER_ENV === 'off';

  function send(run: Run): void {
    if (run.timer) {
      clearTimeout(run.timer);
      run.timer = null;
    }
    if (!run.block || run.fill === 0) return;
    postRun(run, { type: 'out', id: run.id, block: run.block.buffer, bytes: run.fill });
    run.block = null;
    run.fill = 0;
  }
  function take(run: Run): Uint8Array<SharedArrayBuffer> {
    const free = run.free.pop();
    if (free) return new Uint8Array(free);
    run.held++;
    const kept = spare.pop();
    return new Uint8Array(kept ?? new SharedArrayBuffer(BLOCK_BYTES));
  }
  function finish(run: Run, code: number | null, error: string | null): void {
    if (run.done) return;
    send(run);
    run.done = true;
    runs.delete(run);
    launched.delete(run.launchId);
    run.client.runs.delete(run.id);
    keep(run.free.splice(0));
    if (runs.size === 0 && launcher) launcher.hold(false);
    postRun(run, { type: 'exit', id: run.id, code, error });
    if (run.client.leaving && run.client.runs.size === 0) leave(run.client);
  }
  /** Threads served now (each decodes one file at a time): spare blocks are kept for as many runs. */
  let served = 0;
  function keep(blocks: SharedArrayBuffer[]): void {
    for (const b of blocks) if (spare.length < BLOCKS * Math.max(1, served)) spare.push(b);
  }
  // Done once ffmpeg has exited and its stdout has ended (the pipe may still hold data when the exit is known); a
  // stopped run once ffmpeg has exited: its pipe may never end, paused while the blocks it filled are still out
  // with a consumer that stopped reading them (a cancelled decode).
  function settle(run: Run): void {
    if (!run.exit) return;
    if (run.stopped && !run.stdoutEnded) run.stdout?.destroy();
    else if (!run.stdoutEnded && run.stdout) return;
    finish(run, run.exit.code, run.exit.error);
  }
  /** Kills a run's ffmpeg (a cancelled decode, a client gone, the reader ending). */
  function stop(run: Run): void {
    forget(run);
    if (run.done) return;
    run.stopped = true;
    run.kill?.();
    settle(run);
  }
  /** What each read of a pipe lands in before it is copied into the run's blocks (reads are at most 64 KB). */
  const readBuffer = Buffer.allocUnsafeSlow(64 << 10);
  /** Copies a piece of ffmpeg's stdout into the run's blocks; false once every block is out (stop reading). */
  function took(run: Run, bytes: Uint8Array): boolean {
    for (let off = 0; off < bytes.length; ) {
      if (!run.block) run.block = take(run);
      const n = Math.min(bytes.length - off, BLOCK_BYTES - run.fill);
      run.block.set(off === 0 && n === bytes.length ? bytes : bytes.subarray(off, off + n), run.fill);
      run.fill += n;
      off += n;
      if (run.fill === BLOCK_BYTES) send(run);
    }
    if (run.fill > 0 && !run.timer) run.timer = setTimeout(() => send(run), FLUSH_MS);
    if (!run.paused && run.free.length === 0 && run.held >= BLOCKS) run.paused = true;
    return !run.paused;
  }
  function attach(run: Run, stdout: Socket): void {
    const ended = (): void => {
      run.stdoutEnded = true;
      settle(run);
    };
    const reused = readPipeReusing(stdout, readBuffer, (bytes) => took(run, bytes), ended);
    if (reused) {
      run.stdout = reused;
      return;
    }
    run.stdout = stdout;
    stdout.on('error', () => {}); // 'close' follows, and the exit status says what went wrong
    stdout.on('data', (b: Buffer) => {
      if (!took(run, b)) stdout.pause();
    });
    stdout.once('close', ended);
  }
  function startDirect(run: Run): void {
    spawnReported(
      run.command,
      run.args,
      (child) => {
        run.kill = () => child.kill('SIGKILL');
        if (run.stopped) run.kill();
        attach(run, child.stdout as Socket); // a child's pipes are sockets
      },
      (text) => postRun(run, { type: 'err', id: run.id, text }),
      (code, error) => {
        run.exit = { code, error };
        // a failure after the start ends the run at once; otherwise it ends once its stdout has been read too
        if (error !== null && run.stdout) finish(run, null, error);
        else settle(run);
      },
    );
  }
  function launcherLost(l: ShellLauncher, reason: string): void {
    if (launcher !== l) return;
    launcher = null;
    launcherBroken = true; // for this thread's lifetime: start ffmpeg directly from now on
    for (const run of [...runs]) {
      if (run.via !== l || run.done) continue;
      if (!run.stdout) {
        run.via = null;
        launched.delete(run.launchId);
        startDirect(run); // it never started: start it here instead
      } else {
        run.stdout.destroy();
        finish(run, null, `the ffmpeg launcher ended during the decode (${reason})`);
      }
    }
  }
  function theLauncher(): ShellLauncher | null {
    if (launcher || launcherBroken) return launcher;
    const ofRun = (launchId: number): Run | undefined => {
      const run = launched.get(launchId);
      return run && run.via === l ? run : undefined;
    };
    let l: ShellLauncher;
    try {
      l = startShellLauncher(
        {
          started(id, stdout) {
            const run = ofRun(id);
            if (run) attach(run, stdout);
            else stdout.destroy();
          },
          stderr(id, text) {
            const run = ofRun(id);
            if (run) postRun(run, { type: 'err', id: run.id, text });
          },
          exited(id, code, error) {
            const run = ofRun(id);
            if (!run) return;
            run.exit = { code, error };
            settle(run);
          },
          lost: (reason) => launcherLost(l, reason),
        },
        LAUNCHER_ENV || undefined,
      );
    } catch {
      launcherBroken = true;
      return null;
    }
    launcher = l;
    return l;
  }
  /** A run started ahead is no longer there to take (taken, stopped, or unclaimed too long). */
  function forget(run: Run): void {
    const at = ahead.indexOf(run);
    if (at >= 0) ahead.splice(at, 1);
    if (run.unclaimed) clearTimeout(run.unclaimed);
    run.unclaimed = null;
  }
  /** A thread that leaves takes the runs it started ahead with it (those still running are stopped with its runs). */
  function forgetAheadOf(client: Client): void {
    for (const run of ahead.filter((r) => r.client === client)) forget(run);
  }
  /** `client`'s start `id` takes a run started ahead: it hears what the run sent meanwhile, as if it had asked then. */
  function takeStartedAhead(run: Run, client: Client, id: number): void {
    forget(run);
    const waited = run.waiting ?? [];
    run.waiting = null;
    if (!run.done) {
      run.client.runs.delete(run.id);
      client.runs.set(id, run);
    }
    run.client = client;
    run.id = id;
    for (const message of waited) if (message.type !== 'closed') post(client, { ...message, id });
  }
  function start(client: Client, m: Extract<ToReadThread, { type: 'start' }>): void {
    const key = runKey(m.command, m.args);
    const started = ahead.find((r) => r.key === key);
    if (started) {
      takeStartedAhead(started, client, m.id);
      return;
    }
    launch(newRun(client, m.id, m.command, m.args, key));
  }
  /** Starts a run that a 'start' of the same command and arguments takes later (its client meanwhile: `client`). */
  function startAhead(client: Client, m: Extract<ToReadThread, { type: 'startAhead' }>): void {
    const run = newRun(client, -nextLaunchId, m.command, m.args, runKey(m.command, m.args));
    run.waiting = [];
    run.unclaimed = setTimeout(() => stop(run), START_AHEAD_MS);
    run.unclaimed.unref();
    ahead.push(run);
    launch(run);
  }
  function newRun(client: Client, id: number, command: string, args: string[], key: string): Run {
    return {
      client,
      id,
      launchId: nextLaunchId++,
      command,
      args,
      via: null,
      kill: null,
      stdout: null,
      stdoutEnded: false,
      exit: null,
      free: [],
      held: 0,
      block: null,
      fill: 0,
      timer: null,
      paused: false,
      stopped: false,
      done: false,
      key,
      waiting: null,
      unclaimed: null,
    };
  }
  function launch(run: Run): void {
    runs.add(run);
    run.client.runs.set(run.id, run);
    const l = theLauncher();
    if (l) {
      run.via = l;
      launched.set(run.launchId, run);
      run.kill = () => l.kill(run.launchId);
      l.hold(true);
      l.start(run.launchId, run.command, run.args);
    } else startDirect(run);
  }
  // A connected thread is done with the reader: 'closed' (its port may be gone already), and no more messages.
  function leave(client: Client): void {
    post(client, { type: 'closed' });
    client.port.close();
  }
  // The thread that started this reader is ending: stop what runs, and end the launcher here, where its exit is
  // waited for (a launcher left to a terminated thread would stay a zombie until the process ends).
  function shutdown(owner: Client): void {
    for (const run of runs) stop(run);
    for (const run of [...ahead]) forget(run);
    launcherBroken = true;
    const l = launcher;
    launcher = null;
    if (!l) {
      post(owner, { type: 'closed' });
      return;
    }
    void l.end(2000).then(() => post(owner, { type: 'closed' }));
  }
  function onMessage(client: Client, m: ToReadThread): void {
    if (m.type === 'start') start(client, m);
    else if (m.type === 'startAhead') startAhead(client, m);
    else if (m.type === 'free') {
      const run = client.runs.get(m.id);
      if (!run) {
        keep([m.block]);
        return;
      }
      run.free.push(m.block);
      if (run.paused) {
        run.paused = false;
        run.stdout!.resume();
      }
    } else if (m.type === 'kill') {
      const run = client.runs.get(m.id);
      if (run) stop(run);
    } else if (m.type === 'prepare') {
      theLauncher();
    } else if (m.type === 'shutdown') {
      if (client.owner) {
        shutdown(client);
        return;
      }
      // a connected thread: its runs are stopped, and it hears 'closed' once they have ended
      client.leaving = true;
      for (const run of client.runs.values()) stop(run);
      forgetAheadOf(client);
      if (client.runs.size === 0) leave(client);
    } else if (m.type === 'connect' && client.owner) serve(m.port, false);
  }
  function serve(port: MessagePort, owner: boolean): void {
    const client: Client = { port, runs: new Map(), owner, leaving: false };
    port.on('message', (m: ToReadThread) => onMessage(client, m));
    if (owner) return;
    served++;
    // a connected thread that ends (or is terminated) closes its port: what it still ran is stopped
    port.once('close', () => {
      served--;
      for (const run of client.runs.values()) stop(run);
      forgetAheadOf(client);
    });
  }
  serve(ownerPort, true);
}
