import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AudioDataset } from './audio-dataset.ts';
import { readAudioDataset } from './audio-dataset.ts';
import { parseCsv } from './csv.ts';
import type { FeatureTable } from './feature-table.ts';
import { readFeatureTable } from './feature-table.ts';

export type OpenedDataset = { kind: 'features'; table: FeatureTable } | { kind: 'audio'; audio: AudioDataset };

/**
 * What `--dataset` names: a feature table (a CSV whose header has feature columns like features_30_sec.csv),
 * a labels.csv of audio files, or a folder of `<genre>/<file>` audio.
 */
export function openDataset(path: string): OpenedDataset {
  const target = resolve(path);
  if (!existsSync(target)) throw new Error(`Dataset not found: ${target}`);
  if (statSync(target).isFile() && target.toLowerCase().endsWith('.csv')) {
    const [first] = parseCsv(readFileSync(target, 'utf8').slice(0, 65536), { source: target, limit: 1 });
    const header = (first?.fields ?? []).map((h) => h.trim().toLowerCase());
    if (header.some((h) => h.endsWith('_mean') || h.endsWith('_var'))) return { kind: 'features', table: readFeatureTable(target) };
  }
  return { kind: 'audio', audio: readAudioDataset(target) };
}
