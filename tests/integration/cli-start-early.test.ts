import { describe, expect, it } from 'vitest';
import { discardEarly, startEarly } from '../../src/main/cli/index.ts';
import { prestartClassifyWorker, takePrestartedClassifyWorker } from '../../src/main/workers/classify-worker-prestart.ts';

// bin/genre-tagger.js calls startEarly on the build's CLI before it knows the build is current, and discardEarly if
// it is not (the sources' CLI then runs). Real worker threads.
describe('the CLI’s early start (bin/genre-tagger.js, before its check of the build)', () => {
  it('starts the first analysis worker for classify only, one however often it is called, and discards it on demand', { timeout: 60_000 }, async () => {
    await startEarly(['list', '--db', 'x.sqlite']);
    await startEarly(['classify', '--help']);
    expect(takePrestartedClassifyWorker(), 'nothing for other commands, nor for --help').toBeNull();

    await startEarly(['classify', '/music']);
    const taken = takePrestartedClassifyWorker();
    expect(taken, 'started for classify').not.toBeNull();
    await taken!.terminate();

    await startEarly(['classify', '/music']);
    const started = prestartClassifyWorker(); // the one startEarly started (it starts none while one is there)
    await startEarly(['classify', '/music']);
    expect(prestartClassifyWorker(), 'one worker however often it is called').toBe(started);
    const exited = new Promise<number>((resolve) => started.once('exit', resolve));
    await discardEarly();
    expect(await exited, 'asked to end, not terminated').toBe(0);
    expect(takePrestartedClassifyWorker(), 'gone once discarded').toBeNull();
  });
});
