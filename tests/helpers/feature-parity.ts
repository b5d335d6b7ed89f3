import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gtzanFeatureNames } from '../../src/main/core/features/gtzan-feature-names.ts';

/** One row of features_30_sec.csv: the file name and the 57 feature values in our order. */
export interface TableRow {
  filename: string;
  values: Float64Array;
}

export interface FeatureTable {
  rows: Map<string, TableRow>;
  /** Population standard deviation of each feature over the table's rows. */
  std: Float64Array;
}

/** Reads the Kaggle feature table and the per-column standard deviations used to scale errors. */
export function readFeatureTable(gtzanDir: string, file = 'features_30_sec.csv'): FeatureTable {
  const lines = readFileSync(join(gtzanDir, file), 'utf8').trim().split('\n');
  const header = lines[0].split(',');
  const cols = gtzanFeatureNames.map((n) => {
    const i = header.indexOf(n);
    if (i < 0) throw new Error(`column ${n} missing from ${file}`);
    return i;
  });
  const rows = new Map<string, TableRow>();
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    rows.set(cells[0], { filename: cells[0], values: Float64Array.from(cols.map((c) => Number(cells[c]))) });
  }
  const std = new Float64Array(cols.length);
  for (let j = 0; j < cols.length; j++) {
    let s = 0;
    for (const r of rows.values()) s += r.values[j];
    const mean = s / rows.size;
    let ss = 0;
    for (const r of rows.values()) ss += (r.values[j] - mean) ** 2;
    std[j] = Math.sqrt(ss / rows.size);
  }
  return { rows, std };
}

export interface ParityReport {
  /** errors[clip][feature] = |ours - table| / std (tempo: absolute BPM difference). */
  errors: { clip: string; values: Float64Array }[];
  medianError: number;
  maxError: number;
  tempoHits: number;
  /** Per feature: median and max scaled error over clips, sorted worst first by max. */
  columns: { name: string; median: number; max: number }[];
}

const TEMPO = gtzanFeatureNames.indexOf('tempo');

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Scaled errors of our feature vectors against the table (tempo hits: within tempoTolerance BPM). */
export function compareWithTable(table: FeatureTable, ours: { clip: string; values: Float32Array }[], tempoTolerance = 0.5): ParityReport {
  const errors = ours.map(({ clip, values }) => {
    const row = table.rows.get(clip);
    if (!row) throw new Error(`${clip} is not in the table`);
    const e = new Float64Array(values.length);
    for (let j = 0; j < values.length; j++) {
      e[j] = j === TEMPO ? Math.abs(values[j] - row.values[j]) : Math.abs(values[j] - row.values[j]) / table.std[j];
    }
    return { clip, values: e };
  });
  const all: number[] = [];
  for (const e of errors) for (let j = 0; j < e.values.length; j++) if (j !== TEMPO) all.push(e.values[j]);
  const columns = gtzanFeatureNames
    .map((name, j) => ({ name, j }))
    .filter(({ j }) => j !== TEMPO)
    .map(({ name, j }) => {
      const col = errors.map((e) => e.values[j]);
      return { name, median: median(col), max: Math.max(...col) };
    })
    .sort((a, b) => b.max - a.max);
  return {
    errors,
    medianError: median(all),
    maxError: Math.max(...all),
    tempoHits: errors.filter((e) => e.values[TEMPO] <= tempoTolerance).length,
    columns,
  };
}
