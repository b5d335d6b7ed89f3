import { describe, expect, it } from 'vitest';
import { hpssWaveforms } from '../../../src/main/core/dsp/hpss.ts';
import { stft } from '../../../src/main/core/dsp/stft.ts';
import { StreamingHpss } from '../../../src/main/core/dsp/streaming-hpss.ts';
import type { HpssBlock } from '../../../src/main/core/dsp/streaming-hpss.ts';
import { DspWasm } from '../../../src/main/core/dsp/wasm/dsp-wasm.ts';
import { sine, whiteNoise } from './signals.ts';

const sr = 22050;

/** Streams y's centred 2048 / 512 STFT frame by frame through StreamingHpss; returns the block sums. */
function streamHpss(y: Float32Array): HpssBlock[] {
  const D = stft(y);
  const wasm = new DspWasm(StreamingHpss.bytesNeeded());
  const blocks: HpssBlock[] = [];
  const hpss = new StreamingHpss(wasm, { view: (a, b) => y.subarray(a, b) }, (b) => blocks.push(b));
  const heap = wasm.heap;
  for (let t = 0; t < D.frames; t++) {
    const r = hpss.rows(t);
    for (let k = 0; k < D.bins; k++) {
      const re = D.re[t * D.bins + k];
      const im = D.im[t * D.bins + k];
      heap[(r.re >> 2) + k] = re;
      heap[(r.im >> 2) + k] = im;
      heap[(r.mag >> 2) + k] = Math.sqrt(re * re + im * im);
    }
    hpss.added();
  }
  hpss.finish();
  return blocks;
}

function blockSum(x: Float32Array, b: number, square: boolean): number {
  let s = 0;
  for (let i = b * 512; i < b * 512 + 512; i++) s += square ? x[i] * x[i] : x[i];
  return s;
}

describe('StreamingHpss', () => {
  it('sends a steady tone to the harmonic part and clicks to the percussive part', () => {
    const tone = sine(660, 6, sr, 0.3);
    const y = Float32Array.from(tone);
    for (let i = 0; i < y.length; i += 11025) y[i] += 1;
    const blocks = streamHpss(y);
    const toneEnergy = tone.reduce((s, v) => s + v * v, 0);
    const harm = blocks.reduce((s, b) => s + b.sumH2, 0);
    const perc = blocks.reduce((s, b) => s + b.sumP2, 0);
    // the harmonic part carries the tone's energy (within 5%); the percussive part the clicks' (24 x 1^2,
    // spread by the STFT, so only its order of magnitude: between 0.2 and 2 times)
    expect(harm / toneEnergy).toBeGreaterThan(0.95);
    expect(harm / toneEnergy).toBeLessThan(1.05);
    expect(perc / 24).toBeGreaterThan(0.2);
    expect(perc / 24).toBeLessThan(2);
  });

  it('hands out every covered block once, with the sums of hpssWaveforms on the whole signal', () => {
    const y = whiteNoise(sr * 5, 0.3, 99);
    const tone = sine(440, 5, sr, 0.2);
    for (let i = 0; i < y.length; i++) y[i] += tone[i];
    const blocks = streamHpss(y);
    const ref = hpssWaveforms(y);
    expect(blocks.map((b) => b.index)).toEqual(Array.from({ length: Math.floor(y.length / 512) }, (_, i) => i));
    // Same medians bit for bit; the soft masks are float32 here (as librosa computes them) and float64 in
    // hpssWaveforms, so block sums of 512 samples of about 0.3 agree to ~1e-6 relative.
    for (const b of blocks) {
      const scale = Math.sqrt(blockSum(ref.harmonic, b.index, true) + blockSum(ref.percussive, b.index, true)) + 1e-3;
      expect(Math.abs(b.sumH - blockSum(ref.harmonic, b.index, false)) / scale).toBeLessThan(1e-5);
      expect(Math.abs(b.sumP - blockSum(ref.percussive, b.index, false)) / scale).toBeLessThan(1e-5);
      expect(Math.abs(b.sumH2 - blockSum(ref.harmonic, b.index, true)) / (scale * scale)).toBeLessThan(1e-5);
    }
  });
});
