import { createHash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { decodeAudioChunks } from '../../src/main/core/audio/decode-audio.ts';
import { closeFfmpegReader, useFfmpegReaderPort } from '../../src/main/core/audio/ffmpeg-reader.ts';

// A thread that decodes workerData.file through the shared ffmpeg reader at the other end of workerData.port
// (tests/integration/shared-ffmpeg-reader.test.ts) and posts { samples, sha256 } of the mono samples. With
// workerData.stall it posts 'decoding' after the first chunk and keeps the rest waiting (the test ends it then).
const { port, file, stall } = workerData as { port: MessagePort; file: string; stall?: boolean };
useFfmpegReaderPort(port);
const hash = createHash('sha256');
let samples = 0;
for await (const chunk of decodeAudioChunks(file)) {
  if (stall) {
    parentPort!.postMessage({ type: 'decoding' });
    await new Promise(() => {}); // the decode in progress keeps this thread alive
  }
  hash.update(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  samples += chunk.length;
}
await closeFfmpegReader();
parentPort!.postMessage({ type: 'done', samples, sha256: hash.digest('hex') });
