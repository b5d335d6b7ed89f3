/**
 * Multi-class probabilities from pairwise ones (Wu, Lin & Weng 2004, "Probability estimates for multi-class
 * classification by pairwise coupling", method 2, as in libsvm's multiclass_probability): finds p on the simplex
 * minimising sum_i sum_{j != i} (r_ji p_i - r_ij p_j)^2, where r[i*k + j] ~ P(class i | class i or j) and
 * r_ji = 1 - r_ij. When the r_ij are exactly p_i / (p_i + p_j) for some p, that p is returned.
 */
export function couplePairwise(r: ArrayLike<number>, k: number, eps = 1e-9 / k, maxIter = Math.max(1000, k)): Float64Array {
  const p = new Float64Array(k).fill(1 / k);
  if (k === 1) return p;
  const Q = new Float64Array(k * k);
  for (let t = 0; t < k; t++) {
    for (let j = 0; j < k; j++) {
      if (j === t) continue;
      Q[t * k + t] += r[j * k + t] * r[j * k + t];
      Q[t * k + j] = -r[j * k + t] * r[t * k + j];
    }
  }
  const Qp = new Float64Array(k);
  for (let iter = 0; iter < maxIter; iter++) {
    let pQp = 0;
    for (let t = 0; t < k; t++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += Q[t * k + j] * p[j];
      Qp[t] = s;
      pQp += p[t] * s;
    }
    let maxError = 0;
    for (let t = 0; t < k; t++) maxError = Math.max(maxError, Math.abs(Qp[t] - pQp));
    if (maxError < eps) break;
    for (let t = 0; t < k; t++) {
      const diff = (-Qp[t] + pQp) / Q[t * k + t];
      p[t] += diff;
      pQp = (pQp + diff * (diff * Q[t * k + t] + 2 * Qp[t])) / (1 + diff) / (1 + diff);
      for (let j = 0; j < k; j++) {
        Qp[j] = (Qp[j] + diff * Q[t * k + j]) / (1 + diff);
        p[j] /= 1 + diff;
      }
    }
  }
  return p;
}
