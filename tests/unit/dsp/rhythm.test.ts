import { describe, expect, it } from 'vitest';
import { slidingMedian } from '../../../src/main/core/dsp/median-filter.ts';
import { hpssMasks, hpssWaveforms } from '../../../src/main/core/dsp/hpss.ts';
import { applyMel, cachedMelFilterbank } from '../../../src/main/core/dsp/mel.ts';
import { onsetMedianFrame, onsetStrength } from '../../../src/main/core/dsp/onset.ts';
import { powerToDb } from '../../../src/main/core/dsp/power-to-db.ts';
import { stft, stftMagnitude } from '../../../src/main/core/dsp/stft.ts';
import { beatTrackTempo, certainTempoFromMeanTempogram, tempogramFrames } from '../../../src/main/core/dsp/tempo.ts';
import { TempogramFrameF32, meanTempogramF32 } from '../../../src/main/core/dsp/tempogram-frame-f32.ts';
import { WasmTempogram } from '../../../src/main/core/dsp/tempogram-wasm.ts';
import { DspWasm } from '../../../src/main/core/dsp/wasm/dsp-wasm.ts';
import { sine, whiteNoise } from './signals.ts';

const sr = 22050;

function onsetEnvelope(y: Float32Array): Float32Array {
  const P = stftMagnitude(stft(y), 2);
  return onsetStrength(powerToDb(applyMel(P, cachedMelFilterbank(sr, 2048))), { aggregate: 'median' });
}

function impulseTrain(periodSamples: number, seconds: number): Float32Array {
  const y = new Float32Array(seconds * sr);
  for (let i = 0; i < y.length; i += periodSamples) y[i] = 1;
  return y;
}

describe('median filter', () => {
  it("equals a sorted window's middle value with scipy's reflect boundary", () => {
    const x = whiteNoise(200, 1, 7);
    const out = new Float32Array(200);
    slidingMedian(x, out, 200, 31);
    const at = (i: number): number => x[i < 0 ? -i - 1 : i >= 200 ? 399 - i : i];
    for (const i of [0, 5, 15, 100, 190, 199]) {
      const w = Array.from({ length: 31 }, (_, j) => at(i - 15 + j)).sort((a, b) => a - b);
      expect(out[i]).toBe(w[15]);
    }
  });
});

describe('onset envelope, frame by frame', () => {
  it('onsetMedianFrame gives onset_strength(median) of the top_db-floored dB spectrogram', () => {
    const y = whiteNoise(sr * 3, 0.3, 5);
    for (let i = 0; i < y.length; i += 5000) y[i] += 2;
    const raw = powerToDb(applyMel(stftMagnitude(stft(y), 2), cachedMelFilterbank(sr, 2048)), { topDb: null });
    const floored = powerToDb(applyMel(stftMagnitude(stft(y), 2), cachedMelFilterbank(sr, 2048)));
    const ref = onsetStrength(floored, { aggregate: 'median' });
    const floor = raw.data.reduce((m, v) => Math.max(m, v), -Infinity) - 80;
    for (let t = 3; t < raw.frames; t++) expect(onsetMedianFrame(raw.data, (t - 3) * 128, raw.data, (t - 2) * 128, 128, floor)).toBe(ref[t]);
  });
});

describe('tempo (beat_track)', () => {
  it('finds the period of an impulse train on an exact tempogram lag', () => {
    // 24 frames of 512 samples per beat: 60 * 22050 / (512 * 24) = 107.666 BPM
    const tempo = beatTrackTempo(onsetEnvelope(impulseTrain(24 * 512, 30)));
    expect(tempo).toBeCloseTo((60 * sr) / (512 * 24), 6);
  });

  it('prefers the octave nearest 120 BPM (log-normal prior)', () => {
    // Clicks every 20 frames: the autocorrelation peaks equally at 20, 40, 60... frames (129, 65, 43 BPM);
    // the log-normal prior around 120 BPM picks 129.
    const tempo = beatTrackTempo(onsetEnvelope(impulseTrain(20 * 512, 30)));
    expect(tempo).toBeCloseTo((60 * sr) / (512 * 20), 6);
  });

  it('float32 tempogram: the same mean as float64 to 1e-6, and a tempo certain only when the margin allows', () => {
    const env = onsetEnvelope(impulseTrain(24 * 512, 20));
    const f32 = meanTempogramF32(env, 344);
    const f64 = new Float64Array(344);
    let frames = 0;
    tempogramFrames(env, 344, (ac) => {
      for (let i = 0; i < 344; i++) f64[i] += ac[i];
      frames++;
    });
    for (let i = 0; i < 344; i++) expect(Math.abs(f32[i] - f64[i] / frames)).toBeLessThan(1e-6);
    expect(certainTempoFromMeanTempogram(f32)).toBeCloseTo((60 * sr) / (512 * 24), 6);
    // two lags whose scores (log1p(1e6 mean) + prior) are within the float32 error bound: not certain
    const tie = new Float64Array(344);
    tie[24] = 0.5;
    const prior = (bpm: number): number => -0.5 * (Math.log2(bpm) - Math.log2(120)) ** 2;
    const bpm = (lag: number): number => (60 * sr) / (512 * lag);
    tie[48] = (Math.expm1(Math.log1p(1e6 * 0.5) + prior(bpm(24)) - prior(bpm(48))) / 1e6) * (1 - 1e-9);
    expect(certainTempoFromMeanTempogram(tie)).toBeNull();
  });

  it('WasmTempogram computes TempogramFrameF32\'s frames bit for bit and sums them in float64', () => {
    const env = onsetEnvelope(impulseTrain(21 * 512, 6));
    const wasm = new DspWasm(1 << 20);
    const tg = new WasmTempogram(wasm, 344);
    const src = wasm.alloc((env.length + 344) * 4);
    wasm.heap.set(env, (src >> 2) + 172);
    const out = wasm.alloc(344 * 4);
    const sums = wasm.alloc(344 * 8);
    const ref = new TempogramFrameF32(344);
    const padded = new Float32Array(env.length + 344);
    padded.set(env, 172);
    const r = new Float32Array(344);
    const total = new Float64Array(344);
    for (let t = 0; t < env.length; t += 37) {
      tg.frame(src + 4 * t, out, sums);
      ref.compute(padded, t, r, 0);
      for (let i = 0; i < 344; i++) total[i] += r[i];
      expect(Array.from(wasm.heap.subarray(out >> 2, (out >> 2) + 344))).toEqual(Array.from(r));
    }
    expect(Array.from(wasm.heap64.subarray(sums >> 3, (sums >> 3) + 344))).toEqual(Array.from(total));
  });

  it('returns 0 for silence', () => {
    expect(beatTrackTempo(onsetEnvelope(new Float32Array(sr * 5)))).toBe(0);
  });
});

describe('harmonic-percussive separation', () => {
  it('sends a steady tone to the harmonic part and clicks to the percussive part; the two sum to the input', () => {
    const tone = sine(660, 4, sr, 0.3);
    const clicks = impulseTrain(11025, 4);
    const y = new Float32Array(tone.length);
    for (let i = 0; i < y.length; i++) y[i] = tone[i] + clicks[i];
    const { harmonic, percussive } = hpssWaveforms(y);
    let err = 0;
    const covered = 512 * Math.floor(y.length / 512); // istft's span; librosa zero-pads the rest
    for (let i = 0; i < covered; i++) err = Math.max(err, Math.abs(harmonic[i] + percussive[i] - y[i]));
    expect(err).toBeLessThan(1e-4);
    // Correlation of each part with its source
    const energy = (a: Float32Array): number => a.reduce((s, v) => s + v * v, 0);
    const dot = (a: Float32Array, b: Float32Array): number => a.reduce((s, v, i) => s + v * b[i], 0);
    expect(dot(harmonic, tone) / Math.sqrt(energy(harmonic) * energy(tone))).toBeGreaterThan(0.9);
    const click = Float32Array.from(clicks);
    expect(dot(percussive, click) / Math.sqrt(energy(percussive) * energy(click))).toBeGreaterThan(0.5);
  });

  it('splits silence half and half instead of dividing by zero', () => {
    const M = stftMagnitude(stft(new Float32Array(8192)), 1);
    const masks = hpssMasks(M);
    expect(masks.harmonic.every((v) => v === 0.5)).toBe(true);
    expect(masks.percussive.every((v) => v === 0.5)).toBe(true);
  });
});
