import type { Spectrogram } from './spectrogram.ts';

export interface PowerToDbOptions {
  /** Reference power (default 1.0), or 'max' for the spectrogram's maximum (librosa's ref=np.max). */
  ref?: number | 'max';
  amin?: number;
  /** Floor at (max dB - topDb); null for none. Default 80. */
  topDb?: number | null;
}

/**
 * librosa.power_to_db: 10 log10(max(amin, S)) - 10 log10(max(amin, ref)), then floored at max - top_db.
 * The floor uses the maximum over the whole spectrogram given, so it depends on the excerpt analysed.
 */
export function powerToDb(S: Spectrogram, options: PowerToDbOptions = {}): Spectrogram {
  const amin = options.amin ?? 1e-10;
  const topDb = options.topDb === undefined ? 80 : options.topDb;
  const src = S.data;
  let refValue: number;
  if (options.ref === 'max') {
    refValue = 0;
    for (let i = 0; i < src.length; i++) if (src[i] > refValue) refValue = src[i];
  } else refValue = options.ref ?? 1;
  const refDb = 10 * Math.log10(Math.max(amin, Math.abs(refValue)));
  const out = new Float32Array(src.length);
  let max = -Infinity;
  for (let i = 0; i < src.length; i++) {
    const v = 10 * Math.log10(Math.max(amin, src[i])) - refDb;
    out[i] = v;
    if (out[i] > max) max = out[i];
  }
  if (topDb !== null && src.length > 0) {
    const floor = max - topDb;
    for (let i = 0; i < out.length; i++) if (out[i] < floor) out[i] = floor;
  }
  return { bins: S.bins, frames: S.frames, data: out };
}
