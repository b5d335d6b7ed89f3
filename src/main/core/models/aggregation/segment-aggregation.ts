export type Aggregation = 'mean' | 'geometric-mean' | 'majority-vote';

/**
 * Track probabilities [k] from segment probabilities [n, k] (row-major):
 * - mean: the average of the segment probabilities (Dong; the default);
 * - geometric-mean: exp of the mean log probability, renormalised (one confident "no" weighs more);
 * - majority-vote: the share of segments whose top class is each class; ties in the top share are broken by
 *   the mean probability, so the result's argmax is always well defined.
 */
export function aggregateSegments(probabilities: ArrayLike<number>, n: number, k: number, method: Aggregation = 'mean'): Float64Array {
  if (n <= 0) throw new Error('No segments to aggregate');
  if (probabilities.length !== n * k) throw new Error(`Expected ${n} x ${k} probabilities, got ${probabilities.length}`);
  const out = new Float64Array(k);
  if (method === 'mean') {
    for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) out[c] += probabilities[i * k + c];
    for (let c = 0; c < k; c++) out[c] /= n;
    return out;
  }
  if (method === 'geometric-mean') {
    for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) out[c] += Math.log(Math.max(1e-12, probabilities[i * k + c]));
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, out[c] / n);
    let sum = 0;
    for (let c = 0; c < k; c++) {
      out[c] = Math.exp(out[c] / n - max);
      sum += out[c];
    }
    for (let c = 0; c < k; c++) out[c] /= sum;
    return out;
  }
  const mean = aggregateSegments(probabilities, n, k, 'mean');
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (probabilities[i * k + c] > probabilities[i * k + best]) best = c;
    out[best] += 1 / n;
  }
  // Tie-break: among classes with the top vote share, nudge by the mean probability (well below one vote).
  const top = Math.max(...out);
  const tied = [...out.keys()].filter((c) => Math.abs(out[c] - top) < 1e-12);
  if (tied.length > 1) {
    const winner = tied.reduce((a, b) => (mean[b] > mean[a] ? b : a));
    out[winner] += 1e-9;
    let sum = 0;
    for (let c = 0; c < k; c++) sum += out[c];
    for (let c = 0; c < k; c++) out[c] /= sum;
  }
  return out;
}
