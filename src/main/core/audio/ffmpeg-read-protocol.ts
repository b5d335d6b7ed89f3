import type { MessagePort } from 'node:worker_threads';

/** Messages and block sizes between the reader (ffmpeg-reader.ts) and its helper thread (ffmpeg-read.thread.ts). */

/** ffmpeg's output travels in blocks of this size (about 1.5 s of 22050 Hz float32 stereo). */
export const BLOCK_BYTES = 256 << 10;
/** Blocks per run: how far ffmpeg may run ahead of the consumer (4 MB = 47 s of 22050 Hz float32 mono). */
export const BLOCKS = 16;
/** A partly filled block is sent after this long without filling up (a slow source, or ffmpeg's last bytes). */
export const FLUSH_MS = 10;

export type ToReadThread =
  | { type: 'start'; id: number; command: string; args: string[] }
  /**
   * Start `command args` now, for a 'start' of the same command and arguments that will come soon (from this
   * thread or a connected one): that start then takes this run, with what it has written meanwhile. A run nobody
   * asks for within a minute, or when its thread leaves, is killed.
   */
  | { type: 'startAhead'; command: string; args: string[] }
  /** A block of the run handed back for reuse (shared memory: nothing is copied or detached). */
  | { type: 'free'; id: number; block: SharedArrayBuffer }
  | { type: 'kill'; id: number }
  /** Start the launcher now, before any run needs it (a worker warming up while its models load). */
  | { type: 'prepare' }
  /**
   * The thread that uses the reader is ending: stop its runs, then say `closed`. From the thread that started the
   * reader: stop every run and the launcher too.
   */
  | { type: 'shutdown' }
  /**
   * From the thread that started the reader: serve one more thread (it talks over `port` as the starter does over
   * the thread's own port; its runs end when the port closes, as it does when that thread ends).
   */
  | { type: 'connect'; port: MessagePort };

export type FromReadThread =
  /** `bytes` of ffmpeg's stdout at the start of `block` (shared memory, the reader's until it hands it back). */
  | { type: 'out'; id: number; block: SharedArrayBuffer; bytes: number }
  | { type: 'err'; id: number; text: string }
  | { type: 'exit'; id: number; code: number | null; error: string | null }
  | { type: 'closed'; id?: undefined };
