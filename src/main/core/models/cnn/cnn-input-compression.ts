import { CNN_INPUT, CNN_LEGACY_COMPRESSION } from '../../features/model-input-spectrograms.ts';

/**
 * What a CNN version's input needs from the engine's CNN input, ln(1 + 10^4 mel): nothing (null) when its
 * manifest names that compression (or none), a conversion for versions trained on ln(1 + mel) before the gain
 * (so they can still be activated or rolled back to), and a clear error for any other compression.
 */
export function cnnInputConversion(compression: string | undefined, model: string): ((engine: Float32Array) => Float32Array) | null {
  if (compression === undefined || compression === CNN_INPUT.compression) return null;
  if (compression === CNN_LEGACY_COMPRESSION) return legacyCnnInput;
  throw new Error(`${model}: its input is compressed as ${compression}; the analysis engine computes ${CNN_INPUT.compression} or ${CNN_LEGACY_COMPRESSION}`);
}

/** ln(1 + mel) from ln(1 + 10^4 mel), as a new array (the engine's segment is left as it is). */
export function legacyCnnInput(engine: Float32Array): Float32Array {
  const out = new Float32Array(engine.length);
  const g = CNN_INPUT.gain;
  for (let i = 0; i < engine.length; i++) out[i] = Math.log1p(Math.expm1(engine[i]) / g);
  return out;
}
