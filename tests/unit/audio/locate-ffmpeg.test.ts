import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { FfmpegLocation } from '../../../src/main/core/audio/locate-ffmpeg.ts';
import { locateFfmpeg, setPackagedBinDir } from '../../../src/main/core/audio/locate-ffmpeg.ts';

/** Where a new worker thread finds ffmpeg when its own PATH holds no ffmpeg at all. */
function locateInThreadWithoutPath(): Promise<FfmpegLocation | null> {
  const worker = new Worker(new URL('../../helpers/locate-ffmpeg.worker.ts', import.meta.url), { env: { PATH: '/nonexistent' } });
  return new Promise((resolve, reject) => {
    worker.once('message', (m: FfmpegLocation | null) => {
      resolve(m);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

describe('locating ffmpeg (real ffmpeg, real worker threads)', () => {
  it('is done once per process: threads started after it was found inherit the location and do not look again', async () => {
    setPackagedBinDir(null); // forget any earlier result
    expect(await locateInThreadWithoutPath(), 'nothing found and nothing inherited yet').toBeNull();
    const found = locateFfmpeg();
    expect(found?.path).toMatch(/ffmpeg$/);
    expect(found?.version).toMatch(/\d/);
    // the thread's own PATH has no ffmpeg: it can only know where ffmpeg is from this thread
    expect(await locateInThreadWithoutPath()).toEqual(found);
    // a new packaged folder means looking again, here and in threads started from now on
    setPackagedBinDir(null);
    expect(await locateInThreadWithoutPath()).toBeNull();
    expect(locateFfmpeg()).toEqual(found);
  });
});
