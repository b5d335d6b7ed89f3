/** The solution of a binary C-SVC: decision f(x) = sum_i alpha_i y_i K(x_i, x) - rho. */
export interface BinarySvmSolution {
  alpha: Float64Array;
  rho: number;
  iterations: number;
  /** True when the stopping tolerance was met (false: the iteration cap was hit). */
  converged: boolean;
}

const tau = 1e-12;

/**
 * Sequential minimal optimisation for the C-SVC dual (as in libsvm's Solver, Fan, Chen & Lin 2005):
 *   min 1/2 a'Qa - e'a  subject to  y'a = 0, 0 <= a_i <= C,  Q_ij = y_i y_j K_ij,
 * choosing each working pair by second-order information (WSS3), stopping when the maximal KKT violation
 * is below `eps`. `gram` is the kernel matrix [m, m] of the m training points, `y` their labels (+1 / -1).
 */
export function solveBinarySvm(gram: Float64Array, y: Int8Array, C: number, eps = 1e-3, maxIterations = Math.max(10_000_000, 100 * y.length)): BinarySvmSolution {
  const m = y.length;
  const alpha = new Float64Array(m);
  const G = new Float64Array(m).fill(-1); // gradient of the dual objective at alpha = 0
  const QD = new Float64Array(m);
  for (let i = 0; i < m; i++) QD[i] = gram[i * m + i];
  const upper = (i: number): boolean => alpha[i] >= C;
  const lower = (i: number): boolean => alpha[i] <= 0;
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    // Working set selection (WSS3).
    let gmax = -Infinity;
    let gmax2 = -Infinity;
    let i = -1;
    for (let t = 0; t < m; t++) {
      if (y[t] === 1) {
        if (!upper(t) && -G[t] >= gmax) {
          gmax = -G[t];
          i = t;
        }
      } else if (!lower(t) && G[t] >= gmax) {
        gmax = G[t];
        i = t;
      }
    }
    let j = -1;
    let objDiffMin = Infinity;
    if (i >= 0) {
      const row = i * m;
      for (let t = 0; t < m; t++) {
        const qit = y[i] * y[t] * gram[row + t];
        if (y[t] === 1) {
          if (!lower(t)) {
            const gradDiff = gmax + G[t];
            if (G[t] >= gmax2) gmax2 = G[t];
            if (gradDiff > 0) {
              const quad = QD[i] + QD[t] - 2 * y[i] * qit;
              const objDiff = -(gradDiff * gradDiff) / (quad > 0 ? quad : tau);
              if (objDiff <= objDiffMin) {
                j = t;
                objDiffMin = objDiff;
              }
            }
          }
        } else if (!upper(t)) {
          const gradDiff = gmax - G[t];
          if (-G[t] >= gmax2) gmax2 = -G[t];
          if (gradDiff > 0) {
            const quad = QD[i] + QD[t] + 2 * y[i] * qit;
            const objDiff = -(gradDiff * gradDiff) / (quad > 0 ? quad : tau);
            if (objDiff <= objDiffMin) {
              j = t;
              objDiffMin = objDiff;
            }
          }
        }
      }
    }
    if (i < 0 || j < 0 || gmax + gmax2 < eps) {
      converged = true;
      break;
    }
    iterations++;
    // Analytic update of the pair, clipped to the box.
    const qij = y[i] * y[j] * gram[i * m + j];
    const oldI = alpha[i];
    const oldJ = alpha[j];
    if (y[i] !== y[j]) {
      let quad = QD[i] + QD[j] + 2 * qij;
      if (quad <= 0) quad = tau;
      const delta = (-G[i] - G[j]) / quad;
      const diff = alpha[i] - alpha[j];
      alpha[i] += delta;
      alpha[j] += delta;
      if (diff > 0) {
        if (alpha[j] < 0) {
          alpha[j] = 0;
          alpha[i] = diff;
        }
      } else if (alpha[i] < 0) {
        alpha[i] = 0;
        alpha[j] = -diff;
      }
      if (diff > 0) {
        if (alpha[i] > C) {
          alpha[i] = C;
          alpha[j] = C - diff;
        }
      } else if (alpha[j] > C) {
        alpha[j] = C;
        alpha[i] = C + diff;
      }
    } else {
      let quad = QD[i] + QD[j] - 2 * qij;
      if (quad <= 0) quad = tau;
      const delta = (G[i] - G[j]) / quad;
      const sum = alpha[i] + alpha[j];
      alpha[i] -= delta;
      alpha[j] += delta;
      if (sum > C) {
        if (alpha[i] > C) {
          alpha[i] = C;
          alpha[j] = sum - C;
        }
      } else if (alpha[j] < 0) {
        alpha[j] = 0;
        alpha[i] = sum;
      }
      if (sum > C) {
        if (alpha[j] > C) {
          alpha[j] = C;
          alpha[i] = sum - C;
        }
      } else if (alpha[i] < 0) {
        alpha[i] = 0;
        alpha[j] = sum;
      }
    }
    const dI = alpha[i] - oldI;
    const dJ = alpha[j] - oldJ;
    const ri = i * m;
    const rj = j * m;
    for (let k = 0; k < m; k++) G[k] += y[k] * (y[i] * gram[ri + k] * dI + y[j] * gram[rj + k] * dJ);
  }
  // rho: the average of y_i G_i over free vectors, else the middle of the feasible interval.
  let ub = Infinity;
  let lb = -Infinity;
  let free = 0;
  let sumFree = 0;
  for (let t = 0; t < m; t++) {
    const yG = y[t] * G[t];
    if (upper(t)) {
      if (y[t] === -1) ub = Math.min(ub, yG);
      else lb = Math.max(lb, yG);
    } else if (lower(t)) {
      if (y[t] === 1) ub = Math.min(ub, yG);
      else lb = Math.max(lb, yG);
    } else {
      free++;
      sumFree += yG;
    }
  }
  const rho = free > 0 ? sumFree / free : (ub + lb) / 2;
  return { alpha, rho, iterations, converged };
}
