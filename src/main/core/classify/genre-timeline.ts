import type { TimelineCell } from '../../../shared/api/predictions.ts';

/**
 * The genre over time from segment probabilities: each segment speaks for the time nearer its centre than its
 * neighbours' (overlapping segments split their overlap), the first from 0 and the last to the track's end. Each
 * cell is the segment's top genre and its probability. Beyond `maxCells` (a long mix), neighbouring cells with
 * the same genre merge (confidence averaged by time).
 */
export function genreTimeline(
  starts: ArrayLike<number>,
  segmentSeconds: number,
  probabilities: ArrayLike<number>,
  labels: readonly string[],
  durationSeconds: number,
  maxCells = 1200,
): TimelineCell[] {
  const n = starts.length;
  const k = labels.length;
  if (n === 0 || k === 0) return [];
  const end = Math.max(durationSeconds, 0);
  const centre = (i: number): number => starts[i] + Math.min(segmentSeconds, Math.max(end - starts[i], 0)) / 2;
  const cells: TimelineCell[] = [];
  for (let i = 0; i < n; i++) {
    const from = i === 0 ? 0 : (centre(i - 1) + centre(i)) / 2;
    const to = i === n - 1 ? end : (centre(i) + centre(i + 1)) / 2;
    if (!(to > from)) continue;
    let top = 0;
    for (let c = 1; c < k; c++) if (probabilities[i * k + c] > probabilities[i * k + top]) top = c;
    cells.push({ start: from, end: to, genre: labels[top], confidence: probabilities[i * k + top] });
  }
  if (cells.length <= maxCells) return cells;
  const merged: TimelineCell[] = [];
  for (const c of cells) {
    const last = merged[merged.length - 1];
    if (last && last.genre === c.genre) {
      const a = last.end - last.start;
      const b = c.end - c.start;
      last.confidence = (last.confidence * a + c.confidence * b) / (a + b);
      last.end = c.end;
    } else merged.push({ ...c });
  }
  return merged;
}
