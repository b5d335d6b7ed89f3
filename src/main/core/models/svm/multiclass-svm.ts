import { SeededRandom } from '../../random/seeded-random.ts';
import { couplePairwise } from './pairwise-coupling.ts';
import type { PlattSigmoid } from './platt-scaling.ts';
import { fitPlattSigmoid, plattProbability } from './platt-scaling.ts';
import { rbfGram, rbfRow, squaredDistances } from './rbf-kernel.ts';
import { solveBinarySvm } from './smo-solver.ts';

/** One of the k(k-1)/2 one-vs-one machines: class `a` is +1, class `b` is -1. */
export interface PairMachine {
  a: number;
  b: number;
  /** Indices into the shared support vectors, and alpha_i * y_i for each. */
  sv: number[];
  coef: number[];
  rho: number;
  sigmoid: PlattSigmoid;
}

/** A trained RBF C-SVC for k classes, one-vs-one, with probability outputs. */
export interface MulticlassSvm {
  classes: number;
  dim: number;
  C: number;
  gamma: number;
  /** Shared support vectors, row-major [nSV, dim]. */
  supportVectors: Float64Array;
  pairs: PairMachine[];
}

export interface SvmTrainOptions {
  C: number;
  gamma: number;
  /** Seed of the internal 5-fold split that gives Platt scaling held-out decision values. */
  seed?: number;
  eps?: number;
  /** Squared distances of the rows, when the caller reuses them across several gammas. */
  distances?: Float64Array;
}

const probabilityFolds = 5;
const minPairProbability = 1e-7;

function subGram(gram: Float64Array, n: number, idx: number[]): Float64Array {
  const m = idx.length;
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    const row = idx[i] * n;
    for (let j = 0; j < m; j++) out[i * m + j] = gram[row + idx[j]];
  }
  return out;
}

/**
 * Held-out decision values of a binary problem by 5-fold cross-validation (libsvm's svm_binary_svc_probability):
 * what Platt's sigmoid is fitted on, so probabilities are not over-confident on the training points.
 */
function crossValidatedDecisions(gram: Float64Array, n: number, idx: number[], y: Int8Array, C: number, eps: number, random: SeededRandom): Float64Array {
  const m = idx.length;
  const perm = random.shuffle(Array.from({ length: m }, (_, i) => i));
  const decision = new Float64Array(m);
  for (let f = 0; f < probabilityFolds; f++) {
    const begin = Math.floor((f * m) / probabilityFolds);
    const end = Math.floor(((f + 1) * m) / probabilityFolds);
    const test = perm.slice(begin, end);
    const train = perm.slice(0, begin).concat(perm.slice(end));
    const ty = Int8Array.from(train, (t) => y[t]);
    const pos = ty.filter((v) => v === 1).length;
    if (pos === 0 || pos === ty.length) {
      for (const t of test) decision[t] = pos === 0 ? -1 : 1;
      continue;
    }
    const trainIdx = train.map((t) => idx[t]);
    const sol = solveBinarySvm(subGram(gram, n, trainIdx), ty, C, eps);
    for (const t of test) {
      let f2 = -sol.rho;
      const row = idx[t] * n;
      for (let s = 0; s < train.length; s++) if (sol.alpha[s] > 0) f2 += sol.alpha[s] * ty[s] * gram[row + trainIdx[s]];
      decision[t] = f2;
    }
  }
  return decision;
}

/** Trains the one-vs-one RBF SVM with Platt-scaled pairwise probabilities on rows x [n, d], labels 0..k-1. */
export function trainMulticlassSvm(x: Float64Array, labels: ArrayLike<number>, classes: number, options: SvmTrainOptions): MulticlassSvm {
  const n = labels.length;
  const d = x.length / n;
  const { C, gamma, seed = 1, eps = 1e-3 } = options;
  if (!(C > 0) || !(gamma > 0)) throw new Error(`SVM needs C > 0 and gamma > 0 (got C=${C}, gamma=${gamma})`);
  const gram = rbfGram(options.distances ?? squaredDistances(x, n, d), gamma);
  const random = new SeededRandom(seed);
  const byClass: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < n; i++) byClass[labels[i]].push(i);
  const svIndex = new Map<number, number>();
  const pairs: PairMachine[] = [];
  for (let a = 0; a < classes; a++) {
    for (let b = a + 1; b < classes; b++) {
      const idx = byClass[a].concat(byClass[b]);
      const y = Int8Array.from(idx, (_, i) => (i < byClass[a].length ? 1 : -1));
      const pairRandom = random.fork(a * classes + b);
      let sigmoid: PlattSigmoid = { A: -1, B: 0 };
      let sv: number[] = [];
      let coef: number[] = [];
      let rho: number;
      if (byClass[a].length > 0 && byClass[b].length > 0) {
        const decisions = crossValidatedDecisions(gram, n, idx, y, C, eps, pairRandom);
        sigmoid = fitPlattSigmoid(decisions, Array.from(y, (v) => v === 1));
        const sol = solveBinarySvm(subGram(gram, n, idx), y, C, eps);
        rho = sol.rho;
        for (let i = 0; i < idx.length; i++) {
          if (sol.alpha[i] <= 0) continue;
          if (!svIndex.has(idx[i])) svIndex.set(idx[i], svIndex.size);
          sv.push(svIndex.get(idx[i])!);
          coef.push(sol.alpha[i] * y[i]);
        }
      } else {
        // A class with no training samples: the pair always favours the class that has some.
        rho = byClass[a].length > 0 ? -1 : 1;
        sv = [];
        coef = [];
      }
      pairs.push({ a, b, sv, coef, rho, sigmoid });
    }
  }
  const supportVectors = new Float64Array(svIndex.size * d);
  for (const [row, s] of svIndex) supportVectors.set(x.subarray(row * d, row * d + d), s * d);
  return { classes, dim: d, C, gamma, supportVectors, pairs };
}

/** Decision values of every pair for rows x [n, dim]: [n, pairs] row-major. */
export function svmDecisionValues(svm: MulticlassSvm, x: ArrayLike<number>, n: number): Float64Array {
  const nSV = svm.supportVectors.length / svm.dim;
  const kernel = new Float64Array(nSV);
  const out = new Float64Array(n * svm.pairs.length);
  for (let i = 0; i < n; i++) {
    rbfRow(x, i * svm.dim, svm.supportVectors, nSV, svm.dim, svm.gamma, kernel);
    svm.pairs.forEach((pair, p) => {
      let f = -pair.rho;
      for (let s = 0; s < pair.sv.length; s++) f += pair.coef[s] * kernel[pair.sv[s]];
      out[i * svm.pairs.length + p] = f;
    });
  }
  return out;
}

/** Class probabilities for rows x [n, dim]: [n, classes] row-major, each row summing to 1. */
export function svmProbabilities(svm: MulticlassSvm, x: ArrayLike<number>, n: number): Float64Array {
  const k = svm.classes;
  const decisions = svmDecisionValues(svm, x, n);
  const out = new Float64Array(n * k);
  const r = new Float64Array(k * k);
  for (let i = 0; i < n; i++) {
    svm.pairs.forEach((pair, p) => {
      const prob = Math.min(Math.max(plattProbability(decisions[i * svm.pairs.length + p], pair.sigmoid), minPairProbability), 1 - minPairProbability);
      r[pair.a * k + pair.b] = prob;
      r[pair.b * k + pair.a] = 1 - prob;
    });
    out.set(couplePairwise(r, k), i * k);
  }
  return out;
}
