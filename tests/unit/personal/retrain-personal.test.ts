import { describe, expect, it } from 'vitest';
import { activeNamesNone } from '../../../src/shared/api/personal.ts';
import { retrainPersonal } from '../../../src/main/core/personal/retrain-personal.ts';
import type { LabelledEmbeddings } from '../../../src/main/core/personal/retrain-personal.ts';
import { SeededRandom } from '../../../src/main/core/random/seeded-random.ts';

/** Three genres in a 3-column embedding, one cluster each, one album per track. */
function labelledEmbeddings(counts: Record<string, number>): LabelledEmbeddings {
  const random = new SeededRandom(2);
  const centres: Record<string, number[]> = { Folk: [3, 0, 0], Techno: [0, 3, 0], Polka: [0, 0, 3] };
  const rows: number[] = [];
  const labels: string[][] = [];
  const groups: string[] = [];
  for (const [genre, n] of Object.entries(counts)) {
    for (let i = 0; i < n; i++) {
      rows.push(...centres[genre].map((v) => v + random.normal() * 0.4));
      labels.push([genre]);
      groups.push(`${genre} album ${i}`);
    }
  }
  return { trackIds: labels.map((_, i) => i + 1), labels, groups, columns: ['a', 'b', 'c'], rows: Float32Array.from(rows) };
}

describe('retrain: album-grouped cross-validation', () => {
  it('measures a genre that has just reached 5 labels (each fold trains on 4 of them)', () => {
    const { report } = retrainPersonal(labelledEmbeddings({ Folk: 20, Techno: 20, Polka: 5 }));
    expect(report.genres).toContain('Polka');
    expect(report.candidate.perClass.find((c) => c.label === 'Polka')!.recall).toBeGreaterThanOrEqual(0.8);
    expect(report.candidate.accuracy).toBeGreaterThan(0.9);
  });

  it('says which of the genres the active model can name, and scores base models that name none of them at 0', () => {
    const data = labelledEmbeddings({ Folk: 12, Techno: 12, Polka: 12 });
    // The base models' stored top genre per track, already in the person's names: "folk" is theirs too.
    const predicted = new Map(data.trackIds.map((id, i) => [id, data.labels[i][0] === 'Folk' ? 'Folk' : null]));
    const some = retrainPersonal(data, { active: { kind: 'base', version: 'x', predicted, names: ['folk', 'rock'] } }).report;
    expect(some.comparable).toEqual(['Folk']);
    expect(some.active!.accuracy).toBeCloseTo(1 / 3, 6);
    const none = retrainPersonal(data, { active: { kind: 'base', version: 'x', predicted: new Map(), names: ['rock', 'jazz'] } }).report;
    expect(none.comparable).toEqual([]);
    expect(none.active!.accuracy).toBe(0);
    expect(activeNamesNone(none)).toBe(true);
    expect(activeNamesNone(some)).toBe(false);
    // A personal version names the genres it learnt: here two of the three.
    const older = retrainPersonal(labelledEmbeddings({ Folk: 12, Techno: 12 })).spec;
    const labels = new Map(data.trackIds.filter((_, i) => data.labels[i][0] !== 'Polka').map((id) => [id, data.labels[id - 1]]));
    const personal = retrainPersonal(data, { active: { kind: 'personal', version: 'p', spec: older, labels } }).report;
    expect([...personal.comparable!].sort()).toEqual(['Folk', 'Techno']);
    expect(retrainPersonal(data).report.comparable).toBeNull();
  });
});
