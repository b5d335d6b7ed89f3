/**
 * The names of a track embedding's columns. An embedding is one float32 row per track, stored when the track is
 * listened to, from which personal models learn and predict without decoding the audio again. Columns are found
 * by name, so a model keeps working when later engines add columns.
 *
 * - `clip.<feature>`: the 57 GTZAN features of the track's clip (librosa-equal);
 * - `seg.mean.<feature>` / `seg.std.<feature>`: the mean and spread of each feature over the audible 3 s segments;
 * - `logp.<kind>.<label>`: log of a base model's track probability (floored at 1e-4);
 * - `emb.<kind>.mean.<i>` / `emb.<kind>.std.<i>`: a segment network's penultimate activations over audible segments.
 */
export function clipColumn(feature: string): string {
  return `clip.${feature}`;
}

export function logProbabilityColumn(kind: string, label: string): string {
  return `logp.${kind}.${label}`;
}

/** The floor of stored probabilities before the log (a base model's 0 would be -Infinity). */
export const LOG_PROBABILITY_FLOOR = 1e-4;

export interface EmbeddingLayout {
  clip: readonly string[];
  segmentStats?: readonly string[];
  models: readonly { kind: string; labels: readonly string[] }[];
  activations?: readonly { kind: string; size: number }[];
}

export function embeddingColumnsFor(layout: EmbeddingLayout): string[] {
  return [
    ...layout.clip.map(clipColumn),
    ...(layout.segmentStats ?? []).flatMap((f) => [`seg.mean.${f}`, `seg.std.${f}`]),
    ...layout.models.flatMap((m) => m.labels.map((l) => logProbabilityColumn(m.kind, l))),
    ...(layout.activations ?? []).flatMap((a) => [
      ...Array.from({ length: a.size }, (_, i) => `emb.${a.kind}.mean.${i}`),
      ...Array.from({ length: a.size }, (_, i) => `emb.${a.kind}.std.${i}`),
    ]),
  ];
}
