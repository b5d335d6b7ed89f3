// npm run report:opus-parity — how far a lossy Opus encode (48 kbps, decoded at 48 kHz and resampled to
// 22050 Hz with soxr) moves each GTZAN feature: our whole-clip features of the Opus clips in
// ../shared/datasets/gtzan/audio/ against the librosa table's rows for the same clips. Reported, not asserted.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodeAudio } from '../src/main/core/audio/decode-audio.ts';
import { analyzeClip } from '../src/main/core/features/analyze-signal.ts';
import { compareWithTable, readFeatureTable } from '../tests/helpers/feature-parity.ts';
import { requireGtzan } from '../tests/helpers/gtzan.ts';

const dir = requireGtzan();
const table = readFeatureTable(dir);
const ours: { clip: string; values: Float32Array }[] = [];
let skipped = 0;
for (const genre of readdirSync(join(dir, 'audio')).sort()) {
  for (const file of readdirSync(join(dir, 'audio', genre)).sort()) {
    const clip = file.replace(/\.opus$/, '.wav');
    if (!table.rows.has(clip)) {
      skipped++;
      continue;
    }
    const audio = await decodeAudio(join(dir, 'audio', genre, file));
    ours.push({ clip, values: analyzeClip(audio.data).features });
  }
}
const r = compareWithTable(table, ours);
console.log(`Opus (48 kbps) clips vs librosa's table: ${ours.length} clips (${skipped} not in the table)`);
console.log(`median scaled error ${r.medianError.toFixed(4)}, max ${r.maxError.toFixed(3)}, tempo within 0.5 BPM: ${r.tempoHits}/${ours.length}`);
console.log('\nper column (scaled error = |ours - table| / column std over 1000 rows), worst first:');
console.log(`${'column'.padEnd(26)} ${'median'.padStart(8)} ${'max'.padStart(8)}`);
for (const c of r.columns) console.log(`${c.name.padEnd(26)} ${c.median.toFixed(4).padStart(8)} ${c.max.toFixed(4).padStart(8)}`);
