import { MessageChannel } from 'node:worker_threads';
import type { MessagePort, Worker } from 'node:worker_threads';
import { endReader, startReaderThread } from './ffmpeg-reader.ts';
import type { ToReadThread } from './ffmpeg-read-protocol.ts';
import { serveFfmpegReads } from './ffmpeg-read-server.ts';

/** One ffmpeg reader thread, and its launcher process, for several threads (connect() one port per thread). */
export interface SharedFfmpegReader {
  /** A port for one more thread: pass it to that thread (transfer it), which calls useFfmpegReaderPort with it. */
  connect(): MessagePort;
  /**
   * Starts `command args` now, for a thread that will ask for the same command and arguments soon: its run then
   * takes this one, with what ffmpeg wrote meanwhile (ffmpeg-read-protocol.ts, 'startAhead').
   */
  startAhead(command: string, args: string[]): void;
  /** Stops every run still going, ends the launcher and the reader thread (its threads may be ending meanwhile). */
  close(): Promise<void>;
}

export interface SharedFfmpegReaderOptions {
  /**
   * Serve the reads from this thread's event loop instead of a reader thread of its own, for a thread that stays
   * free while the others decode (a classification job's: it only stores results). A reader thread is a Node
   * isolate: about 55 ms of start-up here, its modules and their compiled code, and 3,000-4,000 page faults, paid in
   * every run when both cores are busy starting the workers.
   */
  inThisThread?: boolean;
}

/**
 * Starts a reader (a thread, or this thread's event loop) and its launcher process now, for the threads that will
 * connect to it.
 *
 * A pool's workers (classification, training analysis) share one instead of starting their own each: a launcher is a Node process of
 * its own (47 MB resident here), and a reader thread a Node isolate, so a 16-worker pool ran 16 of each, while
 * one reader thread reads every worker's ffmpeg output with a small part of one core (its work is copying pipe
 * reads into blocks: about 65 ms per 4-minute track). With 2 workers the CPU time of a run did not change
 * measurably (8.55 s against 8.56 s over 4 alternated 4-file runs); page faults went down by 6,000.
 */
export function openSharedFfmpegReader(options: SharedFfmpegReaderOptions = {}): SharedFfmpegReader {
  let thread: Worker | MessagePort;
  if (options.inThisThread) {
    const { port1, port2 } = new MessageChannel();
    serveFfmpegReads(port2);
    thread = port1;
  } else thread = startReaderThread();
  thread.postMessage({ type: 'prepare' } satisfies ToReadThread);
  let closed = false;
  return {
    connect() {
      if (closed) throw new Error('The shared ffmpeg reader is closed');
      const { port1, port2 } = new MessageChannel();
      thread.postMessage({ type: 'connect', port: port2 } satisfies ToReadThread, [port2]);
      return port1;
    },
    startAhead(command, args) {
      if (!closed) thread.postMessage({ type: 'startAhead', command, args } satisfies ToReadThread);
    },
    async close() {
      if (closed) return;
      closed = true;
      await endReader(thread, 3000);
    },
  };
}
