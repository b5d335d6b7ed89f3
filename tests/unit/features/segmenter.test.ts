import { describe, expect, it } from 'vitest';
import { Segmenter } from '../../../src/main/core/features/segmenter.ts';
import { ClipCollector } from '../../../src/main/core/features/clip-collector.ts';

function ramp(from: number, n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => from + i);
}

describe('Segmenter', () => {
  it('cuts windows of length every hop from any chunking, holding copies of the right samples', () => {
    const seg = new Segmenter(10, 5);
    const windows = [];
    let at = 0;
    for (const size of [3, 7, 1, 12, 4]) {
      windows.push(...seg.push(ramp(at, size)));
      at += size;
    }
    windows.push(...seg.finish());
    // 27 samples: windows at 0, 5, 10, 15 (ends 25), tail of 2 < hop / 2... 2 < 2.5: no end window
    expect(windows.map((w) => w.start)).toEqual([0, 5, 10, 15]);
    for (const w of windows) expect(Array.from(w.samples)).toEqual(Array.from(ramp(w.start, 10)));
  });

  it('adds a window aligned to the end when the tail is longer than half a hop', () => {
    const seg = new Segmenter(10, 5);
    const w = [...seg.push(ramp(0, 29)), ...seg.finish()];
    expect(w.map((x) => x.start)).toEqual([0, 5, 10, 15, 19]);
    expect(Array.from(w[4].samples)).toEqual(Array.from(ramp(19, 10)));
  });

  it('pads a track shorter than one window', () => {
    const seg = new Segmenter(10, 5);
    const w = [...seg.push(ramp(1, 4)), ...seg.finish()];
    expect(w).toHaveLength(1);
    expect(w[0].padded).toBe(true);
    expect(Array.from(w[0].samples)).toEqual([1, 2, 3, 4, 0, 0, 0, 0, 0, 0]);
  });
});

describe('ClipCollector', () => {
  it('keeps a short track whole and the centre of a long one', () => {
    const short = new ClipCollector(100, 10);
    short.setDuration(5);
    short.push(ramp(0, 50));
    expect(short.samples()).toHaveLength(50);
    const long = new ClipCollector(100, 10);
    long.setDuration(30); // 300 samples: centre 100 = 100..199
    for (let i = 0; i < 300; i += 7) long.push(ramp(i, Math.min(7, 300 - i)));
    expect(long.startSample).toBe(100);
    expect(Array.from(long.samples())).toEqual(Array.from(ramp(100, 100)));
  });
});
