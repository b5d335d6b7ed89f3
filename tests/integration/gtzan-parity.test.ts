import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeAudio } from '../../src/main/core/audio/decode-audio.ts';
import { analyzeClip } from '../../src/main/core/features/analyze-signal.ts';
import { compareWithTable, readFeatureTable } from '../helpers/feature-parity.ts';
import { requireGtzan } from '../helpers/gtzan.ts';

// The acceptance test of the analysis engine: our whole-clip features of the 30 byte-exact GTZAN WAVs against
// their rows in the Kaggle table (made with librosa 0.8-era defaults). Error = |ours - table| / column std.
describe('GTZAN feature parity with librosa (features_30_sec.csv)', () => {
  it('matches the table: median scaled error <= 0.01, every value <= 0.1, tempo within 0.5 BPM for >= 27 of 30', async () => {
    const dir = requireGtzan();
    const table = readFeatureTable(dir);
    const ours: { clip: string; values: Float32Array }[] = [];
    for (const genre of readdirSync(join(dir, 'original')).sort()) {
      for (const file of readdirSync(join(dir, 'original', genre)).sort()) {
        const audio = await decodeAudio(join(dir, 'original', genre, file));
        ours.push({ clip: file, values: analyzeClip(audio.data).features });
      }
    }
    expect(ours).toHaveLength(30);
    const r = compareWithTable(table, ours);
    const lines = [
      `GTZAN parity over ${ours.length} clips: median scaled error ${r.medianError.toExponential(2)}, max ${r.maxError.toExponential(2)}, ` +
        `tempo hits ${r.tempoHits}/${ours.length}`,
      'worst columns (median / max scaled error):',
      ...r.columns.slice(0, 8).map((c) => `  ${c.name.padEnd(26)} ${c.median.toExponential(2)}  ${c.max.toExponential(2)}`),
    ];
    console.log(lines.join('\n'));
    expect(r.medianError).toBeLessThanOrEqual(0.01);
    expect(r.maxError).toBeLessThanOrEqual(0.1);
    expect(r.tempoHits).toBeGreaterThanOrEqual(27);
  });
});
