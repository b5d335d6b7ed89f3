import { describe, expect, it } from 'vitest';
import { analyzeSignal, CLIP_MAX_SECONDS } from '../../../src/main/core/features/analyze-signal.ts';
import { prepareAnalysis } from '../../../src/main/core/features/prepare-analysis.ts';
import { releaseEngineBuffers, takeEngineBuffers } from '../../../src/main/core/features/track-analyzer/engine-buffers.ts';
import { HOP, SR, ringFrames } from '../../../src/main/core/features/track-analyzer/frame-grid.ts';

/** 90 s of a changing chord, a kick every 0.5 s and a little noise (longer than the 60 s clip). */
function music(seconds: number): Float32Array {
  const y = new Float32Array(seconds * SR);
  let seed = 7;
  for (let i = 0; i < y.length; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const t = i / SR;
    y[i] = 0.2 * Math.sin(2 * Math.PI * (220 + 55 * Math.floor((t / 2) % 4)) * t) + 0.5 * Math.exp(-30 * (t % 0.5)) * Math.sin(2 * Math.PI * 60 * t) + 0.05 * (seed / 2147483648 - 0.5);
  }
  return y;
}

// A classification worker waiting for its job prepares what its first analysis would pay on its way (the engine's
// memory written page by page, its tables, the FFTs).
describe('prepareAnalysis', () => {
  it('makes the buffers the thread’s analyses then use, and the first analysis after it is exactly as any other', () => {
    const R = ringFrames(1 + Math.floor((CLIP_MAX_SECONDS * SR) / HOP));
    prepareAnalysis();
    const prepared = takeEngineBuffers(R);
    expect(prepared.wasm.memory.buffer.byteLength).toBeGreaterThan(20 << 20);
    // the set prepareAnalysis made for the analyses' ring size (a new set would be all zeros: no tables laid out yet)
    expect(new Float32Array(prepared.wasm.memory.buffer).some((v) => v !== 0)).toBe(true);
    releaseEngineBuffers(prepared);

    const y = music(90);
    const first = analyzeSignal(y, { cnn: true, mlfi: true });
    const again = takeEngineBuffers(R);
    expect(again, 'the analysis took the prepared buffers and handed them back').toBe(prepared);
    releaseEngineBuffers(again);
    const second = analyzeSignal(y, { cnn: true, mlfi: true });
    expect(first.segments.length).toBe(second.segments.length);
    expect(Array.from(first.clip.features)).toEqual(Array.from(second.clip.features));
    expect(first.segments.map((s) => Array.from(s.features))).toEqual(second.segments.map((s) => Array.from(s.features)));
    expect(first.segments.map((s) => Array.from(s.cnnInput))).toEqual(second.segments.map((s) => Array.from(s.cnnInput)));
    expect(first.segments.map((s) => Array.from(s.mlfiInput))).toEqual(second.segments.map((s) => Array.from(s.mlfiInput)));
  });
});
