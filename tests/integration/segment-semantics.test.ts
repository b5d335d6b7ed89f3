import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeAudio } from '../../src/main/core/audio/decode-audio.ts';
import { chromaStft } from '../../src/main/core/dsp/chroma.ts';
import { rms, zeroCrossingRate } from '../../src/main/core/dsp/frame-features.ts';
import { hpssWaveforms } from '../../src/main/core/dsp/hpss.ts';
import { applyMel, cachedMelFilterbank } from '../../src/main/core/dsp/mel.ts';
import { mfccFromLogMel } from '../../src/main/core/dsp/mfcc.ts';
import { onsetStrength } from '../../src/main/core/dsp/onset.ts';
import { powerToDb } from '../../src/main/core/dsp/power-to-db.ts';
import { meanVar } from '../../src/main/core/dsp/spectrogram.ts';
import { spectralBandwidth, spectralCentroid, spectralRolloff } from '../../src/main/core/dsp/spectral.ts';
import { stft, stftMagnitude } from '../../src/main/core/dsp/stft.ts';
import { tempoFromMeanTempogram, tempogramFrames } from '../../src/main/core/dsp/tempo.ts';
import { estimateTuning } from '../../src/main/core/dsp/tuning.ts';
import { analyzeSignal } from '../../src/main/core/features/analyze-signal.ts';
import type { SegmentAnalysis } from '../../src/main/core/features/analysis-results.ts';
import { gtzanFeatureNames } from '../../src/main/core/features/gtzan-feature-names.ts';
import { SEGMENT_FRAMES, SEGMENT_SAMPLES } from '../../src/main/core/features/segmenter.ts';
import { requireGtzan } from '../helpers/gtzan.ts';

// What a segment's features and model inputs are (TrackAnalyzer's documentation), checked against the
// whole-signal DSP functions (each tested against librosa's table or analytic answers):
//   frames 2..127 of the segment are those of librosa on the 3 s window alone; frames 0, 1, 128, 129 are those of
//   the track (real samples instead of the window's reflect padding); chroma uses the track's tuning; harmony /
//   perceptr are the track's HPSS waveforms over the window (librosa's trailing zeros kept); the tempo comes from
//   the track's tempogram frames; the MFCC / MLFI dB floor is the segment's own maximum - 80 dB.

const sr = 22050;
const EDGE = [0, 1, SEGMENT_FRAMES - 2, SEGMENT_FRAMES - 1];

interface FrameArrays {
  frames: number;
  chroma: Float32Array; // frames x 12
  db: Float32Array; // frames x 128, not floored
  scalars: Float64Array[]; // rms, centroid, bandwidth, rolloff, zcr
  cnn: Float32Array; // CNN frames x 64, ln(1 + 10^4 mel)
}

function frameArrays(x: Float32Array, tuning: number): FrameArrays {
  const D = stft(x);
  const P = stftMagnitude(D, 2);
  const M = stftMagnitude(D, 1);
  const centroid = spectralCentroid(M, sr, 2048);
  const cnnMel = applyMel(stftMagnitude(stft(x, { nFft: 512, hop: 256 }), 2), cachedMelFilterbank(sr, 512, { nMels: 64 }));
  return {
    frames: P.frames,
    chroma: chromaStft(P, sr, 2048, { tuning }).data,
    db: powerToDb(applyMel(P, cachedMelFilterbank(sr, 2048, { nMels: 128 })), { topDb: null }).data,
    scalars: [rms(x), centroid, spectralBandwidth(M, sr, 2048, centroid), spectralRolloff(M, sr, 2048), zeroCrossingRate(x)],
    cnn: Float32Array.from(cnnMel.data, (v) => Math.log1p(10000 * v)),
  };
}

/** Rows [from, from + count) of a frame-major array with `width` values per frame. */
function rows(a: Float32Array | Float64Array, width: number, from: number, count: number): number[] {
  return Array.from(a.subarray(from * width, (from + count) * width));
}

describe('segments sliced from the track grid vs the 3 s window analysed alone', () => {
  let y: Float32Array;
  let segments: SegmentAnalysis[];
  let tuning: number;
  let harmonic: Float32Array;
  let percussive: Float32Array;
  let onset: Float32Array;

  beforeAll(async () => {
    y = (await decodeAudio(join(requireGtzan(), 'original/disco/disco.00001.wav'))).data;
    segments = analyzeSignal(y).segments;
    // the track's references (a 30 s track is its own reference window)
    const P = stftMagnitude(stft(y), 2);
    tuning = estimateTuning(P, sr, 2048);
    ({ harmonic, percussive } = hpssWaveforms(y));
    onset = onsetStrength(powerToDb(applyMel(P, cachedMelFilterbank(sr, 2048, { nMels: 128 }))), { aggregate: 'median' });
  });

  it('agrees with the window alone except in frames 0, 1, 128, 129, where it has the track\'s real samples', () => {
    expect(segments).toHaveLength(19);
    const n = y.length;
    // the first segment (left edge = the track's reflect padding), one inside, the last one (aligned to the end)
    for (const seg of [segments[0], segments[9], segments[18]]) {
      const s = Math.round(seg.startSeconds * sr);
      expect(s % 512).toBe(0);
      const window = y.subarray(s, s + SEGMENT_SAMPLES);
      const iso = frameArrays(window, tuning);
      expect(iso.frames).toBe(SEGMENT_FRAMES);
      // a wider excerpt: its frames at the segment's positions see the track's samples (or the track's own
      // padding at the track's edges), i.e. they are the track's frames
      const e0 = Math.max(0, s - 2048);
      const ext = frameArrays(y.subarray(e0, Math.min(n, s + SEGMENT_SAMPLES + 2048)), tuning);
      const off = (s - e0) / 512;

      // 1. per frame: interior frames identical, edge frames the track's
      const interior = Array.from({ length: SEGMENT_FRAMES - 4 }, (_, i) => i + 2);
      expect(rows(iso.db, 128, 2, SEGMENT_FRAMES - 4)).toEqual(rows(ext.db, 128, off + 2, SEGMENT_FRAMES - 4));
      for (let j = 0; j < 5; j++) {
        expect(interior.map((t) => iso.scalars[j][t])).toEqual(interior.map((t) => ext.scalars[j][off + t]));
      }
      if (seg !== segments[0]) {
        // (the first segment's left edge frames are the track's padded ones anyway)
        for (const t of [0, 1]) expect(rows(iso.db, 128, t, 1)).not.toEqual(rows(ext.db, 128, off + t, 1));
      }
      const hybrid = (a: Float32Array | Float64Array, b: Float32Array | Float64Array, width: number): Float64Array => {
        const out = new Float64Array(SEGMENT_FRAMES * width);
        for (let t = 0; t < SEGMENT_FRAMES; t++) {
          const src = EDGE.includes(t) ? b.subarray((off + t) * width, (off + t + 1) * width) : a.subarray(t * width, (t + 1) * width);
          out.set(src, t * width);
        }
        return out;
      };

      // 2. the 57 features from those frames
      const expected = new Float64Array(57);
      const put = (i: number, v: { mean: number; variance: number }): void => {
        expected[i] = v.mean;
        expected[i + 1] = v.variance;
      };
      put(0, meanVar(Float32Array.from(hybrid(iso.chroma, ext.chroma, 12))));
      for (let j = 0; j < 5; j++) put(2 + 2 * j, meanVar(hybrid(iso.scalars[j], ext.scalars[j], 1)));
      const h = new Float32Array(SEGMENT_SAMPLES);
      const p = new Float32Array(SEGMENT_SAMPLES);
      const covered = 512 * (SEGMENT_FRAMES - 1); // librosa's istft of the window leaves the last 102 samples at 0
      h.set(harmonic.subarray(s, s + covered));
      p.set(percussive.subarray(s, s + covered));
      put(12, meanVar(h));
      put(14, meanVar(p));
      const mean = new Float64Array(344);
      let t = 0;
      const f0 = s / 512;
      tempogramFrames(onset, 344, (ac) => {
        if (t >= f0 && t < f0 + SEGMENT_FRAMES) for (let i = 0; i < 344; i++) mean[i] += ac[i] / SEGMENT_FRAMES;
        t++;
      });
      expected[16] = tempoFromMeanTempogram(mean);
      // power_to_db's top_db floor, at the segment's own maximum
      const db = Float32Array.from(hybrid(iso.db, ext.db, 128));
      const floor = db.reduce((m, v) => Math.max(m, v), -Infinity) - 80;
      const logMel = { bins: 128, frames: SEGMENT_FRAMES, data: Float32Array.from(db, (v) => (v < floor ? floor : v)) };
      const mfcc = mfccFromLogMel(logMel, 20);
      for (let k = 0; k < 20; k++) put(17 + 2 * k, meanVar(Float32Array.from({ length: SEGMENT_FRAMES }, (_, i) => mfcc.data[i * 20 + k])));

      // Tolerances: per-frame values match bit for bit or to float64 summation order (chroma); harmony / perceptr
      // use float32 soft masks in the engine, float64 in hpssWaveforms (~1e-7 per sample), hence a bound relative
      // to the waveform's RMS for their means.
      for (let i = 0; i < 57; i++) {
        const name = gtzanFeatureNames[i];
        const got = seg.features[i];
        const tol = name === 'harmony_mean' || name === 'perceptr_mean' ? 1e-6 * Math.sqrt(expected[i + 1]) : 2e-6 * Math.abs(expected[i]) + 1e-12;
        if (Math.abs(got - expected[i]) > tol) throw new Error(`segment ${seg.index} ${name}: ${got} vs ${expected[i]}`);
      }

      // 3. the MLFI input (band-major dB, floored at the segment's maximum - 80 dB) and the CNN input
      for (let m = 0; m < 128; m += 9) {
        for (let f = 0; f < SEGMENT_FRAMES; f++) expect(seg.mlfiInput[m * SEGMENT_FRAMES + f]).toBe(logMel.data[f * 128 + m]);
      }
      const cnnOff = (s - e0) / 256;
      for (let m = 0; m < 64; m += 7) {
        expect(seg.cnnInput[m * 256]).toBe(ext.cnn[cnnOff * 64 + m]);
        for (let f = 1; f < 256; f++) expect(seg.cnnInput[m * 256 + f]).toBe(iso.cnn[f * 64 + m]);
      }
    }
  });
});
