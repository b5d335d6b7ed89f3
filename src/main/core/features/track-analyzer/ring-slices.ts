import type { Spectrogram } from '../../dsp/spectrogram.ts';
import { CNN_INPUT, MLFI_INPUT } from '../model-input-spectrograms.ts';
import { CNN_MELS, MELS } from './frame-grid.ts';
import type { TrackMemory } from './wasm-layout.ts';

// Copies out of the rings of TrackMemory: a segment's model inputs and a clip's spectrogram (every output is a
// copy, so the rings can be overwritten and the buffers reused). A segment's inputs go to `out` when given (a
// consumer that copies them at once, as classification does, lets the engine reuse one pair of arrays).

/** The MLFI input of the segment starting at frame f0: its 130 dB frames floored at `floor`, band-major. */
export function mlfiInputAt(mem: TrackMemory, f0: number, floor: number, out?: Float32Array): Float32Array {
  // each band's frames read through the ring's mask: one loop whether or not the segment wraps around the ring
  // (a second loop for the wrapped part first ran in compiled code in each worker's first track, which V8 dropped)
  const R = mem.R;
  const mask = R - 1;
  const T = MLFI_INPUT.frames;
  const mlfi = out ?? new Float32Array(MLFI_INPUT.mels * T);
  const floor32 = Math.fround(floor);
  const bands = mem.dbBands;
  for (let m = 0; m < MELS; m++) {
    const o = m * T;
    const b = m * R;
    for (let t = 0; t < T; t++) {
      const x = bands[b + ((f0 + t) & mask)];
      mlfi[o + t] = x < floor ? floor32 : x;
    }
  }
  return mlfi;
}

/** The CNN input of the segment starting at frame f0 (CNN frame 2 f0): 256 frames of the CNN ring, band-major. */
export function cnnInputAt(mem: TrackMemory, f0: number, out?: Float32Array): Float32Array {
  const T = CNN_INPUT.frames;
  const R2 = 2 * mem.R;
  const ring = mem.cnn;
  const cnn = out ?? new Float32Array(CNN_MELS * T);
  const s0 = (2 * f0) & (R2 - 1);
  const first = Math.min(T, R2 - s0);
  for (let m = 0; m < CNN_MELS; m++) {
    cnn.set(ring.subarray(m * R2 + s0, m * R2 + s0 + first), m * T);
    if (first < T) cnn.set(ring.subarray(m * R2, m * R2 + T - first), m * T + first);
  }
  return cnn;
}

/** The dB mel spectrogram of frames [f0, f0 + frames) floored at `floor`, frame-major. */
export function logMelAt(mem: TrackMemory, f0: number, frames: number, floor: number): Spectrogram {
  const R = mem.R;
  const db = mem.db;
  const logMel = new Float32Array(frames * MELS);
  const floor32 = Math.fround(floor);
  for (let t = 0; t < frames; t++) {
    const o = ((f0 + t) & (R - 1)) * MELS;
    for (let m = 0; m < MELS; m++) {
      const x = db[o + m];
      logMel[t * MELS + m] = x < floor ? floor32 : x;
    }
  }
  return { bins: MELS, frames, data: logMel };
}
