import type { FeatureTable } from './feature-table.ts';

/** Sample rate of the Kaggle GTZAN tables' `length` column. */
const tableSampleRate = 22050;

/**
 * How long the windows behind a feature table's rows are, in seconds: from its `length` column (median, at
 * 22050 Hz, rounded to whole seconds: 661794 samples -> 30 s, 66149 -> 3 s), else from a `_30_sec` / `_3_sec`
 * file name, else 30. The SVM must be applied to windows of this length.
 */
export function featureWindowSeconds(table: FeatureTable): number {
  if (table.lengths && table.lengths.length > 0) {
    const sorted = Float64Array.from(table.lengths).sort();
    const median = sorted[Math.floor(sorted.length / 2)];
    if (median > 0) return Math.max(1, Math.round(median / tableSampleRate));
  }
  const m = /_(\d+)_sec/i.exec(table.path);
  return m ? Number(m[1]) : 30;
}
