import { describe, expect, it } from 'vitest';
import { retrainPersonal } from '../../../src/main/core/personal/retrain-personal.ts';
import { SeededRandom } from '../../../src/main/core/random/seeded-random.ts';

describe('retrain: album-grouped cross-validation', () => {
  it('measures a genre that has just reached 5 labels (each fold trains on 4 of them)', () => {
    const random = new SeededRandom(2);
    const columns = ['a', 'b', 'c'];
    const centres: Record<string, number[]> = { Folk: [3, 0, 0], Techno: [0, 3, 0], Polka: [0, 0, 3] };
    const counts: Record<string, number> = { Folk: 20, Techno: 20, Polka: 5 };
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
    const { report } = retrainPersonal({ trackIds: labels.map((_, i) => i + 1), labels, groups, columns, rows: Float32Array.from(rows) });
    expect(report.genres).toContain('Polka');
    expect(report.candidate.perClass.find((c) => c.label === 'Polka')!.recall).toBeGreaterThanOrEqual(0.8);
    expect(report.candidate.accuracy).toBeGreaterThan(0.9);
  });
});
