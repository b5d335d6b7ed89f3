import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';

/** A process started by spawnReported: stdout and stderr are pipes, stdin is closed. */
export type ReportedChild = ChildProcessByStdio<null, Readable, Readable>;

/**
 * Starts `command args` and calls `started(child)` once it runs (read its stdout there), `onErr(text)` with each
 * piece of stderr, and `done(code, error)` once: when the process has exited and its stderr has ended (the
 * reasons for a failure, and for a truncated file, are there), or at once when it cannot start or fails. Used by
 * the ffmpeg reader when it starts ffmpeg itself (where the launcher shell cannot run).
 */
export function spawnReported(
  command: string,
  args: readonly string[],
  started: (child: ReportedChild) => void,
  onErr: (text: string) => void,
  done: (code: number | null, error: string | null) => void,
): void {
  let code: number | null = null;
  let error: string | null = null;
  let exited = false;
  let stderrEnded = false;
  let reported = false;
  const report = (): void => {
    if (reported || !exited || !stderrEnded) return;
    reported = true;
    done(code, error);
  };
  let c: ReportedChild;
  try {
    c = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
  } catch (e) {
    error = String((e as { message?: unknown } | null)?.message || e);
    exited = stderrEnded = true;
    report();
    return;
  }
  c.once('error', (e) => {
    error = e.message;
    exited = stderrEnded = true;
    report();
  });
  c.once('exit', (status) => {
    code = status;
    exited = true;
    report();
  });
  if (c.pid === undefined) return; // could not start: 'error' follows
  started(c);
  c.stderr.setEncoding('utf8');
  c.stderr.on('data', onErr);
  c.stderr.once('close', () => {
    stderrEnded = true;
    report();
  });
}
