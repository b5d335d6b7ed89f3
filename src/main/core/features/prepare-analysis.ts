import { realFft } from '../dsp/fft.ts';
import { CLIP_MAX_SECONDS } from './analyze-signal.ts';
import { releaseEngineBuffers, takeEngineBuffers } from './track-analyzer/engine-buffers.ts';
import { CNN_NFFT, HOP, N_FFT, SR, ringFrames } from './track-analyzer/frame-grid.ts';
import { layOutTrackMemory } from './track-analyzer/wasm-layout.ts';

/**
 * Does now what a thread's first track analysis would otherwise pay for on its way, for a thread that waits anyway
 * (a classification worker started before its job knows its files): the engine's WebAssembly memory (about 29 MB for the default clip length,
 * kept for the thread's analyses) with every page written once, the filterbanks and windows it lays out, and both
 * FFTs. A page is a page fault the first time it is written, about 12 us each on the 2-core benchmark machine: some
 * 6,600 faults, 80 ms of CPU, in the first track of the one analysis worker, the stage every track waits for.
 */
export function prepareAnalysis(clipMaxSeconds = CLIP_MAX_SECONDS): void {
  // the ring size TrackAnalyzer takes for this clip length (track-analyzer.ts)
  const R = ringFrames(1 + Math.floor(Math.round(clipMaxSeconds * SR) / HOP));
  const buffers = takeEngineBuffers(R);
  new Uint8Array(buffers.wasm.memory.buffer).fill(0);
  layOutTrackMemory(buffers.wasm, R, buffers.onHpssBlock);
  realFft(N_FFT);
  realFft(CNN_NFFT);
  releaseEngineBuffers(buffers);
}
