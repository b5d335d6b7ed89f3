import { describe, expect, it } from 'vitest';
import { SEGMENT_FRAMES, SEGMENT_HOP, SEGMENT_SAMPLES, Segmenter, segmentStarts } from '../../../src/main/core/features/segmenter.ts';

function ramp(from: number, n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => from + i);
}

describe('segment geometry', () => {
  it('puts 3 s segments every 65 frames of 512 samples, each covering 130 frames', () => {
    expect(SEGMENT_HOP).toBe(33280);
    expect(SEGMENT_HOP / 22050).toBeCloseTo(1.509, 3);
    // librosa's centred STFT of one segment has 1 + floor(66150 / 512) = 130 frames
    expect(1 + Math.floor(SEGMENT_SAMPLES / 512)).toBe(SEGMENT_FRAMES);
    expect(SEGMENT_FRAMES).toBe(2 * (SEGMENT_HOP / 512));
  });

  it('adds a last segment ending within 512 samples of the end when the tail exceeds half a hop', () => {
    // regular starts 0 .. 133120 (the last ends at 199270); a tail of 10730 < 16640 gets no extra segment
    expect(segmentStarts(210000)).toEqual([0, 33280, 66560, 99840, 133120]);
    // 10 s: a tail of 21230 does; it starts at floor((220500 - 66150) / 512) * 512 = 154112
    expect(segmentStarts(220500)).toEqual([0, 33280, 66560, 99840, 133120, 154112]);
    const n = 250000; // the last regular segment ends at 232550: a tail of 17450
    const starts = segmentStarts(n);
    const last = starts[starts.length - 1];
    expect(last % 512).toBe(0);
    expect(n - (last + SEGMENT_SAMPLES)).toBeGreaterThanOrEqual(0);
    expect(n - (last + SEGMENT_SAMPLES)).toBeLessThan(512);
    expect(segmentStarts(1000)).toEqual([0]);
  });
});

describe('Segmenter', () => {
  it('cuts windows of length every hop from any chunking, holding copies of the right samples', () => {
    const seg = new Segmenter(10, 5, 1);
    const windows = [];
    let at = 0;
    for (const size of [3, 7, 1, 12, 4]) {
      windows.push(...seg.push(ramp(at, size)));
      at += size;
    }
    windows.push(...seg.finish());
    // 27 samples: windows at 0, 5, 10, 15 (ends 25), tail of 2 < hop / 2 = 2.5: no end window
    expect(windows.map((w) => w.start)).toEqual([0, 5, 10, 15]);
    for (const w of windows) expect(Array.from(w.samples)).toEqual(Array.from(ramp(w.start, 10)));
  });

  it('adds a window aligned to the end (start rounded down to the alignment) when the tail is longer than half a hop', () => {
    const unaligned = new Segmenter(10, 5, 1);
    expect([...unaligned.push(ramp(0, 29)), ...unaligned.finish()].map((x) => x.start)).toEqual([0, 5, 10, 15, 19]);
    const aligned = new Segmenter(10, 5, 4);
    const w = [...aligned.push(ramp(0, 29)), ...aligned.finish()];
    expect(w.map((x) => x.start)).toEqual([0, 5, 10, 15, 16]);
    expect(Array.from(w[4].samples)).toEqual(Array.from(ramp(16, 10)));
    expect(w.map((x) => x.start)).toEqual(segmentStarts(29, 10, 5, 4));
  });

  it('pads a track shorter than one window', () => {
    const seg = new Segmenter(10, 5, 1);
    const w = [...seg.push(ramp(1, 4)), ...seg.finish()];
    expect(w).toHaveLength(1);
    expect(w[0].padded).toBe(true);
    expect(Array.from(w[0].samples)).toEqual([1, 2, 3, 4, 0, 0, 0, 0, 0, 0]);
  });
});
