import { gtzanFeatureNames } from '../../features/gtzan-feature-names.ts';
import type { AnalysedTrack } from '../analysis/analyze-dataset.ts';
import type { FeatureTable } from '../datasets/feature-table.ts';

/**
 * The analysed tracks as an SVM feature table: one row per SVM window (30 s; one per GTZAN clip) with the 57
 * features the engine computed, rows of a track together and in track order. `rowsOf[t]` lists track t's rows.
 */
export function engineFeatureTable(tracks: readonly AnalysedTrack[], source = 'analysis engine'): { table: FeatureTable; rowsOf: number[][] } {
  const d = gtzanFeatureNames.length;
  const rows: FeatureTable['rows'] = [];
  const rowsOf: number[][] = [];
  const values: number[] = [];
  for (const t of tracks) {
    const w = t.analysis.svmWindowStarts.length;
    const mine: number[] = [];
    for (let i = 0; i < w; i++) {
      mine.push(rows.length);
      rows.push({ id: `${t.track}@${t.analysis.svmWindowStarts[i].toFixed(1)}`, track: t.track, label: t.label });
      for (let j = 0; j < d; j++) values.push(t.analysis.svmWindows[i * d + j]);
    }
    rowsOf.push(mine);
  }
  return { table: { path: source, featureNames: [...gtzanFeatureNames], rows, values: Float64Array.from(values), lengths: null }, rowsOf };
}
