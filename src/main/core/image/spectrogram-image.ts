import type { Spectrogram } from '../dsp/spectrogram.ts';
import { encodePngRgb } from './png.ts';

// A perceptual dark-to-bright palette (magma-like), interpolated between these stops.
const STOPS: [number, number, number][] = [
  [0, 0, 4],
  [28, 16, 68],
  [79, 18, 123],
  [129, 37, 129],
  [181, 54, 122],
  [229, 80, 100],
  [251, 135, 97],
  [254, 194, 135],
  [252, 253, 191],
];

function colour(v: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, v)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(x));
  const f = x - i;
  const a = STOPS[i];
  const b = STOPS[i + 1];
  return [Math.round(a[0] + f * (b[0] - a[0])), Math.round(a[1] + f * (b[1] - a[1])), Math.round(a[2] + f * (b[2] - a[2]))];
}

export interface SpectrogramImageOptions {
  /** Dynamic range shown below the maximum, dB (default 80). */
  rangeDb?: number;
  /** Vertical pixels per band (default 2). */
  scaleY?: number;
  /** Widest image; frames are averaged into columns beyond it (default 2000). */
  maxWidth?: number;
}

/** A dB spectrogram (frame-major) as a PNG: time left to right, lowest band at the bottom, magma colours. */
export function spectrogramPng(logS: Spectrogram, options: SpectrogramImageOptions = {}): Buffer {
  const range = options.rangeDb ?? 80;
  const scaleY = options.scaleY ?? 2;
  const maxWidth = options.maxWidth ?? 2000;
  const { bins, frames, data } = logS;
  const width = Math.max(1, Math.min(frames, maxWidth));
  const height = bins * scaleY;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) if (data[i] > max) max = data[i];
  if (!Number.isFinite(max)) max = 0;
  const rgb = new Uint8Array(width * height * 3);
  for (let x = 0; x < width; x++) {
    const f0 = Math.floor((x * frames) / width);
    const f1 = Math.max(f0 + 1, Math.floor(((x + 1) * frames) / width));
    for (let b = 0; b < bins; b++) {
      let acc = 0;
      for (let t = f0; t < f1 && t < frames; t++) acc += data[t * bins + b];
      const v = frames > 0 ? (acc / (f1 - f0) - (max - range)) / range : 0;
      const [r, g, bl] = colour(v);
      for (let s = 0; s < scaleY; s++) {
        const y = height - 1 - (b * scaleY + s);
        const o = (y * width + x) * 3;
        rgb[o] = r;
        rgb[o + 1] = g;
        rgb[o + 2] = bl;
      }
    }
  }
  return encodePngRgb(width, height, rgb);
}
