import { parentPort } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { serveFfmpegReads } from './ffmpeg-read-server.ts';

// The ffmpeg reader's helper thread (ffmpeg-reader.ts says why it exists; ffmpeg-read-server.ts what it does): it
// serves the thread that started it and the threads connected through it.
if (!parentPort) throw new Error('ffmpeg-read.thread.ts runs as a worker thread');
serveFfmpegReads(parentPort as MessagePort);
