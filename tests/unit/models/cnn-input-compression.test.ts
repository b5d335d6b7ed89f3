import { describe, expect, it } from 'vitest';
import { CNN_INPUT, CNN_LEGACY_COMPRESSION, cnnInput } from '../../../src/main/core/features/model-input-spectrograms.ts';
import { cnnInputConversion, legacyCnnInput } from '../../../src/main/core/models/cnn/cnn-input-compression.ts';
import { modelInputSources } from '../../../src/main/core/models/inference/model-input-sources.ts';
import type { ModelManifest } from '../../../src/main/core/models/store/model-manifest.ts';

describe('CNN input compression', () => {
  it('is ln(1 + 10^4 mel): a 440 Hz sine at amplitude 0.5 puts its loudest band far into the logarithmic range', () => {
    const sr = 22050;
    const y = Float32Array.from({ length: 3 * sr }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / sr));
    const x = cnnInput(y, sr);
    // A Hann-windowed 512-point frame of a sine of amplitude A has |X| = A * 512 / 4 at its bin; the mel
    // filterbank spreads that power over one or two bands, so the largest band holds ln(1 + 10^4 * p) with
    // p of the order of (0.5 * 128)^2 times a Slaney weight (~1e-2): far above 1, where ln(1 + 10^4 p) ~ ln(10^4 p).
    let max = 0;
    for (const v of x) max = Math.max(max, v);
    expect(max).toBeGreaterThan(Math.log(1e4 * 10));
    expect(max).toBeLessThan(Math.log(1e4 * (0.5 * 128) ** 2));
  });

  it('converts the engine input back to ln(1 + mel) for CNN versions trained before the gain', () => {
    const mel = Float64Array.from({ length: 2001 }, (_, i) => 10 ** (-12 + (16 * i) / 2000)); // 1e-12 .. 1e4
    const engine = Float32Array.from(mel, (m) => Math.log1p(CNN_INPUT.gain * m));
    const back = legacyCnnInput(engine);
    let worst = 0;
    mel.forEach((m, i) => (worst = Math.max(worst, Math.abs(back[i] - Math.log1p(m)) / Math.max(1e-30, Math.log1p(m)))));
    expect(worst).toBeLessThan(2e-6); // float32 rounding of the engine value, carried through
    expect(cnnInputConversion(CNN_INPUT.compression, 'cnn/x')).toBeNull();
    expect(cnnInputConversion(undefined, 'cnn/x')).toBeNull();
    expect(cnnInputConversion(CNN_LEGACY_COMPRESSION, 'cnn/x')).toBe(legacyCnnInput);
    expect(() => cnnInputConversion('power_to_db(ref=1)', 'cnn/odd')).toThrow(/cnn\/odd: its input is compressed as power_to_db/);
  });

  it('is read from the manifest when the classifier lays out its inputs', () => {
    const manifest = (compression: string) =>
      ({
        kind: 'cnn',
        version: 'v',
        inputs: [{ name: 'melspec', shape: [-1, 64, 256, 1], spectrogram: { sampleRate: 22050, nFft: 512, hopLength: 256, melBands: 64, frames: 256, compression } }],
      }) as unknown as ModelManifest;
    expect(modelInputSources(manifest(CNN_INPUT.compression))[0].convert).toBeNull();
    expect(modelInputSources(manifest(CNN_LEGACY_COMPRESSION))[0].convert).toBe(legacyCnnInput);
    expect(() => modelInputSources(manifest('ln(mel)'))).toThrow(/compressed as ln\(mel\)/);
  });
});
