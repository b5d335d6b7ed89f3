import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { removeQuietly } from '../tags/atomic-replace.ts';

/**
 * The ffmpeg launcher: a POSIX shell (/bin/sh) that starts ffmpeg processes on request, each writing into a pair of
 * named pipes (FIFOs) in a private folder, which the process that asked opens and reads.
 *
 * Why a launcher: starting a process forks the process that starts it, and fork marks every page of that process
 * copy-on-write. An analysis worker's process holds some 100 MB it writes all the time (the engine's WASM memory,
 * onnxruntime's activations, V8's young generation), so after each ffmpeg start every one of those pages faulted
 * once more. Measured with a CNN session and one ffmpeg start per 4-minute track: 17,900 page faults and 320 ms CPU
 * per track started from the worker, 800 faults and 125 ms from a launcher. The shell is forked once, early.
 *
 * Why a shell: a Node launcher (Node, or Electron run as Node) cost every run about 130 ms of CPU and 3,400 page
 * faults to start, and 47 MB while kept; dash starts in about a millisecond and holds under one. It also lets the
 * packaged app turn off Electron's RunAsNode fuse.
 *
 * The protocol, one line each way:
 * - in (stdin): `s ID 'arg0' 'arg1' …`: every argument single-quoted, a quote inside as '\'', a newline as '"$nl"'.
 * - out (stdout): `r` once ready; per run `m ID` once its FIFOs exist (open their read ends then), `o ID` once
 *   ffmpeg's side has them open (read them from then on: before it, an empty FIFO with no writer reads as its end),
 *   `p ID PID` with ffmpeg's pid (to kill it), and last `x ID STATUS` (ffmpeg's exit status; 128 + n for signal n;
 *   126 or 127 when it could not be run).
 *
 * Each run has a small monitor shell that makes its FIFOs, starts ffmpeg, waits for it and reports its status (a
 * TERM interrupts its first wait: it kills ffmpeg, and the second wait reaps it). What the shells themselves would
 * say on stderr ("Killed") goes nowhere; ffmpeg's stderr is a run's own FIFO.
 * When the process that started the launcher goes away (it ended, or was killed with kill -9), the launcher's
 * stdin ends: it sends TERM to its process group (it runs as a group of its own), so every monitor kills its ffmpeg
 * (SIGKILL) and waits for it, and then it waits for the monitors, so that no ffmpeg outlives it unreaped (one left
 * to init in a container may never be reaped). An ffmpeg whose reader went away meanwhile gets EPIPE on its next
 * write and ends by itself. Being a group of its own also keeps a terminal's Ctrl-C from reaching ffmpeg: the
 * process that started the launcher decides what a Ctrl-C stops.
 */
const SCRIPT = `
d=$1
nl='
'
exec 3>&1 1>/dev/null
trap '' PIPE INT
printf 'r\\n' >&3
while IFS=' ' read -r cmd id rest; do
  [ "$cmd" = s ] || continue
  eval "set -- $rest"
  (
    c=
    trap 'kill -9 $c 2>/dev/null' TERM
    if mkfifo "$d/$id.o" "$d/$id.e" 2>/dev/null; then
      printf 'm %s\\n' "$id" >&3
      (
        trap - PIPE INT TERM
        exec <"/dev/null" >"$d/$id.o" 2>"$d/$id.e"
        printf 'o %s\\n' "$id" >&3
        exec "$@" 3>&-
      ) &
      c=$!
      printf 'p %s %s\\n' "$id" "$c" >&3
      wait "$c"
      s=$?
      wait "$c" 2>/dev/null
      r=$?
      [ "$r" -eq 127 ] || s=$r
      printf 'x %s %s\\n' "$id" "$s" >&3
    else
      printf 'x %s 127\\n' "$id" >&3
    fi
  ) &
done
trap '' TERM
kill -TERM -$$ 2>/dev/null
wait
rm -rf "$d"
`;

/**
 * Worker options for a thread that reads through the launcher (the ffmpeg reader's thread, a job's thread that serves
 * its workers' reads). A FIFO's read end is opened with fs.openSync, and a worker thread tracks every fd that fs
 * opens until fs closes it; here a socket closes it instead, so the worker would keep the number as still open:
 * "File descriptor N opened in unmanaged mode twice" once the number comes back for the next run, and, when the
 * thread ends, a close of that number, which by then may be another thread's file. Such a thread does not track.
 */
export const FIFO_READING_WORKER_OPTIONS = { trackUnmanagedFds: false } as const;

/** The name the launcher's processes show (their $0): `/bin/sh -c … genre-tagger-ffmpeg-launcher FOLDER`. */
export const SHELL_LAUNCHER_NAME = 'genre-tagger-ffmpeg-launcher';

/** One argument as the launcher's shell reads it back, whatever its bytes. */
export function shellQuote(arg: string): string {
  return `'${arg.replaceAll("'", "'\\''").replaceAll('\n', `'"$nl"'`)}'`;
}

export interface ShellLauncherEvents {
  /** Run `id`'s ffmpeg runs, with its stdout. */
  started(id: number, stdout: Socket): void;
  /** A piece of run `id`'s stderr. */
  stderr(id: number, text: string): void;
  /**
   * Run `id` has ended, its stderr read to the end: ffmpeg's exit status, or why it could not be run (error).
   * Called once per run that was started, also after kill.
   */
  exited(id: number, code: number | null, error: string | null): void;
  /** The launcher is gone (it could not start, or ended): its runs are not reported any more. */
  lost(reason: string): void;
}

export interface ShellLauncher {
  /** Starts `command args` as run `id`. */
  start(id: number, command: string, args: readonly string[]): void;
  /** Kills run `id`'s ffmpeg (SIGKILL), now or as soon as it has started. */
  kill(id: number): void;
  /** Whether the launcher keeps this process alive (while it has runs). */
  hold(held: boolean): void;
  /** Ends the launcher: it kills what still runs and waits for it; resolves once it has exited (at most timeoutMs). */
  end(timeoutMs: number): Promise<void>;
}

interface ShellRun {
  command: string;
  /** The read ends of its FIFOs, once opened. */
  out: number | null;
  err: number | null;
  stderrOpen: Socket | null;
  pid: number | null;
  killWanted: boolean;
  /** Its exit status, once reported. */
  status: number | undefined;
  /** Its stderr has ended (or will never be read). */
  stderrDone: boolean;
  error: string | null;
  /** Its FIFOs were made. */
  made: boolean;
}

/**
 * Starts the launcher shell (`shell`, /bin/sh unless a test names another), or throws when it cannot be spawned.
 * Its folder is made here, private to this user, and removed when it ends.
 */
export function startShellLauncher(events: ShellLauncherEvents, shell = '/bin/sh'): ShellLauncher {
  const dir = mkdtempSync(join(tmpdir(), 'genre-tagger-ffmpeg-'));
  let proc: ChildProcessByStdio<Writable, Readable, null>;
  try {
    // detached: a process group of its own (and a session), which it signals at its end
    proc = spawn(shell, ['-c', SCRIPT, SHELL_LAUNCHER_NAME, dir], { stdio: ['pipe', 'pipe', 'ignore'], detached: true, windowsHide: true });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const runs = new Map<number, ShellRun>();
  let gone = false;
  let exited = false;
  const fifo = (id: number, end: 'o' | 'e'): string => join(dir, `${id}.${end}`);
  const closeQuietly = (fd: number | null): void => {
    if (fd === null) return;
    try {
      closeSync(fd);
    } catch {
      // closed
    }
  };
  function lose(reason: string): void {
    if (gone) return;
    gone = true;
    for (const run of runs.values()) {
      closeQuietly(run.out);
      closeQuietly(run.err);
      run.stderrOpen?.destroy();
    }
    runs.clear();
    // a shell still running ends at the end of its input, after killing what it started
    if (!exited) proc.stdin.end();
    events.lost(reason);
  }
  function settle(id: number, run: ShellRun): void {
    if (run.status === undefined || !run.stderrDone) return;
    runs.delete(id);
    const status = run.status;
    const unrunnable = status === 126 || status === 127;
    events.exited(id, run.error || unrunnable ? null : status, run.error ?? (unrunnable ? `${run.command} could not be run (status ${status})` : null));
  }
  function killNow(run: ShellRun): void {
    if (run.pid === null || run.status !== undefined) return;
    try {
      process.kill(run.pid, 'SIGKILL');
    } catch {
      // ended meanwhile: its status follows
    }
  }
  function opened(id: number, run: ShellRun): void {
    removeQuietly(fifo(id, 'o'));
    removeQuietly(fifo(id, 'e'));
    const stdout = new Socket({ fd: run.out!, readable: true, writable: false });
    const stderr = new Socket({ fd: run.err!, readable: true, writable: false });
    run.out = run.err = null; // the sockets own them now
    run.stderrOpen = stderr;
    stderr.setEncoding('utf8');
    stderr.on('data', (text: string) => events.stderr(id, text));
    stderr.on('error', () => {});
    stderr.once('close', () => {
      run.stderrDone = true;
      settle(id, run);
    });
    events.started(id, stdout);
  }
  function onLine(line: string): void {
    const [type, idText, value] = line.split(' ');
    if (type === 'r') return;
    const id = Number(idText);
    const run = runs.get(id);
    if (!run) return;
    if (type === 'm') {
      run.made = true;
      try {
        run.out = openSync(fifo(id, 'o'), constants.O_RDONLY | constants.O_NONBLOCK);
        run.err = openSync(fifo(id, 'e'), constants.O_RDONLY | constants.O_NONBLOCK);
      } catch (e) {
        // without a reader ffmpeg's side would wait for ever: it is killed once its pid is known
        run.error = `could not open ffmpeg's output: ${(e as Error).message}`;
        run.killWanted = true;
        killNow(run);
      }
    } else if (type === 'p') {
      run.pid = Number(value);
      if (run.killWanted) killNow(run);
    } else if (type === 'o') {
      if (run.out !== null && run.err !== null) opened(id, run);
    } else if (type === 'x') {
      if (!run.made) {
        // the shell cannot make named pipes here (no mkfifo): no run can go through it
        lose('the launcher could not make named pipes');
        return;
      }
      run.status = Number(value);
      if (!run.stderrOpen) {
        // never started reading (it could not be run, or was killed first)
        closeQuietly(run.out);
        closeQuietly(run.err);
        run.out = run.err = null;
        removeQuietly(fifo(id, 'o'));
        removeQuietly(fifo(id, 'e'));
        run.stderrDone = true;
      }
      settle(id, run);
    }
  }
  let pending = '';
  proc.stdout.setEncoding('utf8');
  proc.stdout.on('data', (text: string) => {
    pending += text;
    for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
      onLine(pending.slice(0, nl));
      pending = pending.slice(nl + 1);
    }
  });
  proc.stdin.on('error', () => {}); // the shell ended: 'close' says so
  const whenExited = new Promise<void>((resolve) => {
    const ended = (reason: string): void => {
      if (exited) return;
      exited = true;
      lose(reason);
      rmSync(dir, { recursive: true, force: true });
      resolve();
    };
    // 'close': it has exited and every line its runs' monitors wrote has been read (their last exit statuses)
    proc.once('close', (code, signal) => ended(`the launcher shell ended (${signal ?? `status ${code}`})`));
    proc.once('error', (e) => {
      if (proc.pid === undefined) ended(e.message); // it never ran: no 'exit' follows
      else lose(e.message);
    });
  });
  const held = (on: boolean): void => {
    if (on) {
      proc.ref();
      (proc.stdout as unknown as Socket).ref();
      (proc.stdin as unknown as Socket).ref();
    } else {
      proc.unref();
      (proc.stdout as unknown as Socket).unref();
      (proc.stdin as unknown as Socket).unref();
    }
  };
  held(false);
  return {
    start(id, command, args) {
      runs.set(id, { command, out: null, err: null, stderrOpen: null, pid: null, killWanted: false, status: undefined, stderrDone: false, error: null, made: false });
      proc.stdin.write(`s ${id} ${[command, ...args].map(shellQuote).join(' ')}\n`);
    },
    kill(id) {
      const run = runs.get(id);
      if (!run) return;
      run.killWanted = true;
      killNow(run);
    },
    hold: held,
    async end(timeoutMs) {
      if (exited) return;
      held(true);
      proc.stdin.end();
      const timer = setTimeout(() => {
        try {
          process.kill(-proc.pid!, 'SIGKILL'); // its whole process group: the shell, its monitors, their ffmpeg
        } catch {
          proc.kill('SIGKILL');
        }
      }, timeoutMs);
      await whenExited;
      clearTimeout(timer);
    },
  };
}
