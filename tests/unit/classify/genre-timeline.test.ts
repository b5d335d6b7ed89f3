import { describe, expect, it } from 'vitest';
import { genreTimeline } from '../../../src/main/core/classify/genre-timeline.ts';

describe('genre over time', () => {
  const labels = ['a', 'b'];

  it('gives each overlapping segment the time nearer its centre, from 0 to the end', () => {
    // 3 s segments every 1.5 s over 7 s, the last one end-aligned at 4 s.
    const starts = [0, 1.5, 3, 4];
    const probs = [0.9, 0.1, 0.2, 0.8, 0.3, 0.7, 0.6, 0.4];
    const cells = genreTimeline(starts, 3, probs, labels, 7);
    expect(cells.map((c) => [c.start, c.end, c.genre])).toEqual([
      [0, 2.25, 'a'],
      [2.25, 3.75, 'b'],
      [3.75, 5, 'b'],
      [5, 7, 'a'],
    ]);
    expect(cells[1].confidence).toBeCloseTo(0.8, 9);
  });

  it('covers a track shorter than one segment with one cell', () => {
    expect(genreTimeline([0], 3, [0.4, 0.6], labels, 1.2)).toEqual([{ start: 0, end: 1.2, genre: 'b', confidence: 0.6 }]);
    expect(genreTimeline([], 3, [], labels, 10)).toEqual([]);
  });

  it('merges neighbours of the same genre when there are too many cells, weighting confidence by time', () => {
    const starts = Array.from({ length: 8 }, (_, i) => i * 1.5);
    const probs = [0.9, 0.1, 0.7, 0.3, 0.2, 0.8, 0.4, 0.6, 0.6, 0.4, 0.8, 0.2, 0.9, 0.1, 0.1, 0.9];
    const cells = genreTimeline(starts, 3, probs, labels, 13.5, 4);
    // Centres at 1.5, 3, ..., 12: boundaries halfway between, 2.25, 3.75, ...
    expect(cells.map((c) => [c.start, c.end, c.genre])).toEqual([
      [0, 3.75, 'a'],
      [3.75, 6.75, 'b'],
      [6.75, 11.25, 'a'],
      [11.25, 13.5, 'b'],
    ]);
    expect(cells[0].confidence).toBeCloseTo((0.9 * 2.25 + 0.7 * 1.5) / 3.75, 9);
  });
});
