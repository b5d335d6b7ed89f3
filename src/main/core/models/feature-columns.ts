import { gtzanFeatureNames } from '../features/gtzan-feature-names.ts';

/**
 * The 55 features of the MLFI audio branch: the 57 GTZAN features (features/gtzan-feature-names.ts) without
 * harmony_mean and perceptr_mean. Those two are the means of the harmonic and percussive waveforms from HPSS, i.e.
 * their DC offsets (about 1e-5 on every GTZAN clip), which carry no genre information and only add noise once
 * standardised.
 */
export const mlfiFeatureNames: readonly string[] = gtzanFeatureNames.filter((f) => f !== 'harmony_mean' && f !== 'perceptr_mean');

/** Picks `names` out of rows laid out as `from` ([n, from.length] row-major) into [n, names.length]. */
export function selectFeatureColumns(rows: Float32Array, from: readonly string[], names: readonly string[]): Float32Array {
  const index = names.map((name) => {
    const i = from.indexOf(name);
    if (i < 0) throw new Error(`Feature ${name} is missing`);
    return i;
  });
  const n = rows.length / from.length;
  if (!Number.isInteger(n)) throw new Error(`Feature rows hold ${rows.length} values, not a multiple of ${from.length}`);
  const out = new Float32Array(n * names.length);
  for (let r = 0; r < n; r++) for (let j = 0; j < index.length; j++) out[r * names.length + j] = rows[r * from.length + index[j]];
  return out;
}
