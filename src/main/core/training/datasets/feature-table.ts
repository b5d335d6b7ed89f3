import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gtzanFeatureNames } from '../../features/gtzan-feature-names.ts';
import { parseCsv } from './csv.ts';
import { trackKeyOf } from './track-key.ts';

/** One labelled row of a feature table: a whole clip (30 s table) or a segment (3 s table). */
export interface FeatureRow {
  /** The row's file name as written in the table. */
  id: string;
  /** Which track it belongs to (see trackKeyOf). */
  track: string;
  label: string;
}

/** A feature table like the Kaggle `features_30_sec.csv`: rows and their features in `featureNames` order. */
export interface FeatureTable {
  path: string;
  featureNames: string[];
  rows: FeatureRow[];
  /** [rows, featureNames.length] row-major. */
  values: Float64Array;
  /** The `length` column (samples per row, at 22050 Hz in the Kaggle tables) when the table has one. */
  lengths: Float64Array | null;
}

const idColumns = ['filename', 'file', 'path', 'track', 'id'];
const labelColumns = ['label', 'genre'];

/**
 * Reads a CSV feature table with a header naming its columns: an id column (filename/path/track), a label column
 * (label/genre) and every feature in `featureNames` (other columns, like `length`, are ignored). Features are
 * returned in `featureNames` order whatever the column order in the file.
 */
export function readFeatureTable(path: string, featureNames: readonly string[] = gtzanFeatureNames): FeatureTable {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read the feature table ${file}: ${(error as Error).message}`);
  }
  const records = parseCsv(text, { source: file });
  if (records.length < 2) throw new Error(`${file} has no data rows`);
  const header = records[0].fields.map((h) => h.trim().toLowerCase());
  const idCol = header.findIndex((h) => idColumns.includes(h));
  const labelCol = header.findIndex((h) => labelColumns.includes(h));
  if (idCol < 0) throw new Error(`${file}: no file name column (one of ${idColumns.join(', ')}) in the header`);
  if (labelCol < 0) throw new Error(`${file}: no label column (label or genre) in the header`);
  const lengthCol = header.indexOf('length');
  const featureCols = featureNames.map((f) => header.indexOf(f.toLowerCase()));
  const missing = featureNames.filter((_, i) => featureCols[i] < 0);
  if (missing.length > 0) {
    throw new Error(`${file} lacks ${missing.length} feature column(s): ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`);
  }
  const d = featureNames.length;
  const rows: FeatureRow[] = [];
  const values = new Float64Array((records.length - 1) * d);
  const lengths = lengthCol >= 0 ? new Float64Array(records.length - 1) : null;
  for (let r = 1; r < records.length; r++) {
    const { fields: cells, line } = records[r];
    if (cells.length !== header.length) throw new Error(`${file} line ${line}: ${cells.length} fields, the header has ${header.length}`);
    const id = cells[idCol].trim();
    const label = cells[labelCol].trim();
    if (!id || !label) throw new Error(`${file} line ${line}: empty file name or label`);
    for (let j = 0; j < d; j++) {
      const v = Number(cells[featureCols[j]]);
      if (!Number.isFinite(v)) throw new Error(`${file} line ${line}: ${featureNames[j]} is not a number (${cells[featureCols[j]]})`);
      values[(r - 1) * d + j] = v;
    }
    if (lengths) lengths[r - 1] = Number(cells[lengthCol]);
    rows.push({ id, track: trackKeyOf(id), label });
  }
  return { path: file, featureNames: [...featureNames], rows, values, lengths };
}

/** The rows at `indices` as a [indices.length, d] matrix. */
export function selectRows(table: FeatureTable, indices: readonly number[]): Float64Array {
  const d = table.featureNames.length;
  const out = new Float64Array(indices.length * d);
  indices.forEach((r, i) => out.set(table.values.subarray(r * d, r * d + d), i * d));
  return out;
}
