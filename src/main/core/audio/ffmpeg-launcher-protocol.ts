/**
 * Messages between the reader thread (ffmpeg-read.thread.ts) and the launcher process (ffmpeg-launcher.process.ts),
 * over the launcher's IPC channel (JSON).
 *
 * In `start` and `kill`. Out `ready` once, then per run `stdout` with ffmpeg's stdout pipe as the message's handle,
 * `err` with stderr, and `exit` once ffmpeg has exited and its stderr has ended.
 */
export type ToLauncher = { type: 'start'; id: number; command: string; args: string[] } | { type: 'kill'; id: number };

export type FromLauncher =
  | { type: 'ready' }
  | { type: 'stdout'; id: number }
  | { type: 'err'; id: number; text: string }
  | { type: 'exit'; id: number; code: number | null; error: string | null };
