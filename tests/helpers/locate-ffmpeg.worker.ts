import { parentPort } from 'node:worker_threads';
import { locateFfmpeg } from '../../src/main/core/audio/locate-ffmpeg.ts';

// Says where this thread finds ffmpeg (tests/unit/audio/locate-ffmpeg.test.ts starts it with a PATH without ffmpeg).
parentPort!.postMessage(locateFfmpeg());
