/**
 * Groups item-level probability rows by track and averages them: the track-level prediction of a model applied
 * to several windows or segments of one track. Returns tracks in first-seen order.
 */
export function averageByTrack(tracks: readonly string[], probabilities: ArrayLike<number>, k: number): { tracks: string[]; probabilities: Float64Array; firstItem: number[] } {
  const order: string[] = [];
  const index = new Map<string, number>();
  const firstItem: number[] = [];
  tracks.forEach((t, i) => {
    if (!index.has(t)) {
      index.set(t, order.length);
      order.push(t);
      firstItem.push(i);
    }
  });
  const sums = new Float64Array(order.length * k);
  const counts = new Float64Array(order.length);
  tracks.forEach((t, i) => {
    const r = index.get(t)!;
    counts[r]++;
    for (let c = 0; c < k; c++) sums[r * k + c] += probabilities[i * k + c];
  });
  for (let r = 0; r < order.length; r++) for (let c = 0; c < k; c++) sums[r * k + c] /= counts[r];
  return { tracks: order, probabilities: sums, firstItem };
}
