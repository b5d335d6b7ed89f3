/**
 * Source of `spawnReported(command, args, started, onErr, done)`, used by the launcher and by the reader thread
 * when it starts ffmpeg itself (both are source text run elsewhere, so they share source, not a module): starts
 * the process and calls `started(child)` once it runs (read its stdout there), `onErr(text)` with each piece of
 * stderr, and `done(code, error)` once: when the process has exited and its stderr has ended (the reasons for a
 * failure, and for a truncated file, are there), or at once when it cannot start or fails.
 */
export const SPAWN_REPORTED_SOURCE = `
function spawnReported(command, args, started, onErr, done) {
  let code = null;
  let error = null;
  let exited = false;
  let stderrEnded = false;
  let reported = false;
  const report = () => {
    if (reported || !exited || !stderrEnded) return;
    reported = true;
    done(code, error);
  };
  let c;
  try {
    c = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
  } catch (e) {
    error = String((e && e.message) || e);
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
`;

/**
 * Source of the ffmpeg launcher: a small Node process (`node -e`, or Electron run as Node) that starts ffmpeg
 * processes on request and hands each one's stdout pipe back over IPC, so the reading thread reads ffmpeg's
 * output directly while the launcher, not the analysis process, forks.
 *
 * Why: starting a process forks the process that starts it, and fork marks every page of that process
 * copy-on-write. An analysis worker holds some 100 MB it writes all the time (the engine's WASM memory,
 * onnxruntime's activations, V8's young generation), so after each ffmpeg start every one of those pages faulted
 * once more. Measured with a CNN session and one ffmpeg start per 4-minute track: 17,900 page faults and 320 ms
 * CPU per track started from the worker, 800 faults and 125 ms from the launcher.
 *
 * Protocol (JSON over the IPC channel): in `{ type: 'start', id, command, args }` and `{ type: 'kill', id }`;
 * out `{ type: 'ready' }` once, then per run `{ type: 'stdout', id }` with the pipe as the handle,
 * `{ type: 'err', id, text }` with stderr, and `{ type: 'exit', id, code, error }` once ffmpeg has exited and its
 * stderr has ended. It exits when its parent goes away (the channel closes, or its parent pid changes), killing
 * what it started and waiting for it to exit, so that no ffmpeg outlives it unreaped.
 */
export const FFMPEG_LAUNCHER_SOURCE = `
const { spawn } = require('node:child_process');
${SPAWN_REPORTED_SOURCE}
const kids = new Map();
// Once the parent is gone, what ffmpeg still reports has no one to go to.
function tell(message, handle) {
  if (!process.connected) return;
  try { process.send(message, handle, () => {}); } catch (e) {}
}
tell({ type: 'ready' });
// The process that started this one is gone (it ended, or was killed with kill -9: then nothing else will
// end this launcher). Kill every ffmpeg and wait for each to exit, so that this process reaps them: an ffmpeg
// left to outlive its launcher would be handed to init, which in a container may never reap it (a zombie).
let ending = false;
function parentGone() {
  if (ending) return;
  ending = true;
  const left = [...kids.values()].filter((c) => c.exitCode === null && c.signalCode === null);
  if (left.length === 0) process.exit(0);
  let n = left.length;
  for (const c of left) {
    c.once('exit', () => { if (--n === 0) process.exit(0); });
    c.kill('SIGKILL');
  }
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('disconnect', parentGone);
// The channel normally closes with the parent; the parent's pid changing (this process was handed to init or a
// subreaper) says the same where it does not (its socket inherited by a process that lives on).
const parentPid = process.ppid;
setInterval(() => { if (process.ppid !== parentPid) parentGone(); }, 500).unref();
process.on('message', (m) => {
  if (m.type === 'kill') {
    const c = kids.get(m.id);
    if (c) c.kill('SIGKILL');
    return;
  }
  if (m.type !== 'start') return;
  spawnReported(
    m.command,
    m.args,
    (c) => {
      kids.set(m.id, c);
      tell({ type: 'stdout', id: m.id }, c.stdout);
    },
    (text) => tell({ type: 'err', id: m.id, text }),
    (code, error) => {
      kids.delete(m.id);
      tell({ type: 'exit', id: m.id, code, error });
    },
  );
});
`;
