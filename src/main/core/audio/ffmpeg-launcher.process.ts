import type { Socket } from 'node:net';
import type { FromLauncher, ToLauncher } from './ffmpeg-launcher-protocol.ts';
import { spawnReported } from './spawn-reported.ts';
import type { ReportedChild } from './spawn-reported.ts';

/**
 * The ffmpeg launcher: a small Node process (Node run on this file, or Electron run as Node on its bundle) that
 * starts ffmpeg processes on request and hands each one's stdout pipe back over IPC, so the reading thread reads
 * ffmpeg's output directly while the launcher, not the analysis process, forks. Started by the reader thread
 * (ffmpeg-read.thread.ts); the messages are in ffmpeg-launcher-protocol.ts.
 *
 * Why: starting a process forks the process that starts it, and fork marks every page of that process
 * copy-on-write. An analysis worker holds some 100 MB it writes all the time (the engine's WASM memory,
 * onnxruntime's activations, V8's young generation), so after each ffmpeg start every one of those pages faulted
 * once more. Measured with a CNN session and one ffmpeg start per 4-minute track: 17,900 page faults and 320 ms
 * CPU per track started from the worker, 800 faults and 125 ms from the launcher.
 *
 * It exits when its parent goes away (the channel closes, or its parent pid changes), killing what it started and
 * waiting for it to exit, so that no ffmpeg outlives it unreaped.
 */

const kids = new Map<number, ReportedChild>();

// Once the parent is gone, what ffmpeg still reports has no one to go to.
function tell(message: FromLauncher, handle?: Socket): void {
  if (!process.connected) return;
  try {
    process.send?.(message, handle, () => {});
  } catch {
    // the channel closed meanwhile: parentGone follows
  }
}

tell({ type: 'ready' });

// The process that started this one is gone (it ended, or was killed with kill -9: then nothing else will
// end this launcher). Kill every ffmpeg and wait for each to exit, so that this process reaps them: an ffmpeg
// left to outlive its launcher would be handed to init, which in a container may never reap it (a zombie).
let ending = false;
function parentGone(): void {
  if (ending) return;
  ending = true;
  const left = [...kids.values()].filter((c) => c.exitCode === null && c.signalCode === null);
  if (left.length === 0) process.exit(0);
  let n = left.length;
  for (const c of left) {
    c.once('exit', () => {
      if (--n === 0) process.exit(0);
    });
    c.kill('SIGKILL');
  }
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('disconnect', parentGone);
// The channel normally closes with the parent; the parent's pid changing (this process was handed to init or a
// subreaper) says the same where it does not (its socket inherited by a process that lives on).
const parentPid = process.ppid;
setInterval(() => {
  if (process.ppid !== parentPid) parentGone();
}, 500).unref();

function onMessage(m: ToLauncher): void {
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
      tell({ type: 'stdout', id: m.id }, c.stdout as Socket); // a child's pipes are sockets, which IPC can hand over
    },
    (text) => tell({ type: 'err', id: m.id, text }),
    (code, error) => {
      kids.delete(m.id);
      tell({ type: 'exit', id: m.id, code, error });
    },
  );
}
process.on('message', (m) => onMessage(m as ToLauncher));
