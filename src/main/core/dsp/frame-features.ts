import { pad1d } from './pad.ts';

export interface FrameOptions {
  frameLength?: number;
  hop?: number;
  center?: boolean;
}

function frameCount(len: number, frameLength: number, hop: number): number {
  return len < frameLength ? 0 : 1 + Math.floor((len - frameLength) / hop);
}

/**
 * librosa.feature.rms(y=...): root-mean-square of each frame of the raw waveform (no window). When centred
 * the waveform is padded by frameLength / 2 with numpy 'reflect' (librosa 0.8's rms pad_mode).
 */
export function rms(y: Float32Array, options: FrameOptions = {}): Float64Array {
  const frameLength = options.frameLength ?? 2048;
  const hop = options.hop ?? 512;
  const x = options.center ?? true ? pad1d(y, frameLength >> 1, frameLength >> 1, 'reflect') : y;
  const frames = frameCount(x.length, frameLength, hop);
  const out = new Float64Array(frames);
  for (let t = 0; t < frames; t++) {
    const s = t * hop;
    let acc = 0;
    for (let i = s; i < s + frameLength; i++) acc += x[i] * x[i];
    out[t] = Math.sqrt(acc / frameLength);
  }
  return out;
}

/**
 * librosa.feature.zero_crossing_rate: fraction of sign changes inside each frame (frameLength - 1 comparisons
 * of consecutive samples, the first position counted as no crossing), samples with |y| <= 1e-10 counted as 0
 * (positive). When centred, librosa pads with 'edge'.
 */
export function zeroCrossingRate(y: Float32Array, options: FrameOptions = {}): Float64Array {
  const frameLength = options.frameLength ?? 2048;
  const hop = options.hop ?? 512;
  const x = options.center ?? true ? pad1d(y, frameLength >> 1, frameLength >> 1, 'edge') : y;
  const frames = frameCount(x.length, frameLength, hop);
  const threshold = Math.fround(1e-10);
  const neg = new Uint8Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    neg[i] = Math.abs(v) <= threshold ? 0 : v < 0 || Object.is(v, -0) ? 1 : 0;
  }
  // crossings[i] = sign change between i-1 and i; prefix sums make each frame O(1).
  const cum = new Int32Array(x.length + 1);
  for (let i = 1; i < x.length; i++) cum[i + 1] = cum[i] + (neg[i] !== neg[i - 1] ? 1 : 0);
  const out = new Float64Array(frames);
  for (let t = 0; t < frames; t++) {
    const s = t * hop;
    // positions s+1 .. s+frameLength-1 inside the frame
    out[t] = (cum[s + frameLength] - cum[s + 1]) / frameLength;
  }
  return out;
}
