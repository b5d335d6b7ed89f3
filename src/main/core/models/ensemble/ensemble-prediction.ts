import type { InstalledModel } from '../kinds/installed-model.ts';
import type { TrackModelPrediction } from '../inference/track-model-prediction.ts';
import { combineProbabilities } from './weighted-ensemble.ts';

/** One member of an ensemble on one track: its weight and what its model said (undefined when it did not run). */
export interface MemberPrediction {
  weight: number;
  prediction: TrackModelPrediction | undefined;
}

/** Rows of `p` that cover time `t` (segment start <= t < end), averaged; the nearest segment when none does. */
function rowAt(p: TrackModelPrediction, t: number, k: number, out: Float64Array): void {
  out.fill(0);
  let hits = 0;
  let nearest = 0;
  let nearestDistance = Infinity;
  for (let i = 0; i < p.segmentStarts.length; i++) {
    const start = p.segmentStarts[i];
    const mid = start + p.segmentSeconds / 2;
    if (Math.abs(mid - t) < nearestDistance) {
      nearestDistance = Math.abs(mid - t);
      nearest = i;
    }
    if (start <= t && t < start + p.segmentSeconds) {
      for (let c = 0; c < k; c++) out[c] += p.segmentProbabilities[i * k + c];
      hits++;
    }
  }
  if (hits === 0) {
    for (let c = 0; c < k; c++) out[c] = p.segmentProbabilities[nearest * k + c];
    return;
  }
  for (let c = 0; c < k; c++) out[c] /= hits;
}

/**
 * The ensemble's prediction: the weighted mean of its members' track probabilities (members that did not run
 * or weigh nothing are left out and the rest renormalised). Its segments follow the finest member's grid (3 s
 * segments when a CNN or MLFI takes part): each of its segments combines, with the same weights, the grid model's
 * own segment and, from every other member, the mean of its segments or windows covering the segment's centre.
 * Null when no member ran.
 */
export function ensemblePrediction(model: InstalledModel, members: readonly MemberPrediction[]): TrackModelPrediction | null {
  const used: { p: TrackModelPrediction; weight: number }[] = [];
  for (const m of members) {
    if (m.weight <= 0) continue;
    const p = m.prediction;
    if (!p) continue;
    if (p.labels.join('\n') !== model.manifest.labels.join('\n')) {
      throw new Error(`${model.kind}/${model.version}: the ${p.kind} model's labels differ from the ensemble's`);
    }
    used.push({ p, weight: m.weight });
  }
  if (used.length === 0) return null;
  const k = model.manifest.labels.length;
  const weights = used.map((u) => u.weight);
  const track = combineProbabilities(used.map((u) => u.p.track), weights);
  const base = [...used].sort((a, b) => a.p.segmentSeconds - b.p.segmentSeconds || b.p.segmentStarts.length - a.p.segmentStarts.length)[0].p;
  const n = base.segmentStarts.length;
  const segments = new Float32Array(n * k);
  const row = new Float64Array(k);
  const total = weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < n; i++) {
    const t = base.segmentStarts[i] + base.segmentSeconds / 2;
    for (const u of used) {
      if (u.p === base) for (let c = 0; c < k; c++) row[c] = base.segmentProbabilities[i * k + c];
      else rowAt(u.p, t, k, row);
      for (let c = 0; c < k; c++) segments[i * k + c] += (u.weight / total) * row[c];
    }
  }
  return {
    kind: model.kind,
    version: model.version,
    dir: model.dir,
    labels: model.manifest.labels,
    track,
    segmentSeconds: base.segmentSeconds,
    segmentStarts: Float32Array.from(base.segmentStarts),
    segmentProbabilities: segments,
  };
}
