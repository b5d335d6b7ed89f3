import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { trackKeyOf } from '../../../src/main/core/training/datasets/track-key.ts';
import { applySplit, readSplitFiles } from '../../../src/main/core/training/splits/split-files.ts';
import { trackFolds } from '../../../src/main/core/training/splits/track-folds.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

let cleanup: (() => void) | null = null;
afterEach(() => cleanup?.());

describe('track keys', () => {
  it('name one track across folders, extensions and GTZAN segment indices', () => {
    expect(trackKeyOf('blues/blues.00029.wav')).toBe('blues.00029');
    expect(trackKeyOf('blues.00029.wav')).toBe('blues.00029');
    expect(trackKeyOf('blues.00029.7.wav')).toBe('blues.00029');
    expect(trackKeyOf('My Song.flac')).toBe('My Song');
  });
});

describe('split files', () => {
  it('reads train/valid/test lists from a folder or one of its files, and places items by track', () => {
    const tmp = makeTempDir();
    cleanup = tmp.cleanup;
    const dir = join(tmp.dir, 'splits');
    mkdirSync(dir);
    writeFileSync(join(dir, 'train_filtered.txt'), 'rock/rock.00001.wav\nrock/rock.00002.wav\n');
    writeFileSync(join(dir, 'valid_filtered.txt'), 'rock/rock.00003.wav\n');
    writeFileSync(join(dir, 'test_filtered.txt'), 'jazz/jazz.00001.wav\n');
    for (const source of [dir, join(dir, 'test_filtered.txt')]) {
      const split = readSplitFiles(source);
      const parts = applySplit(['rock.00001', 'rock.00003', 'jazz.00001', 'rock.00001', 'pop.00009'], split);
      expect(parts).toEqual({ train: [0, 3], valid: [1], test: [2], unassigned: 1 });
    }
  });

  it('refuses a track listed in two parts', () => {
    const tmp = makeTempDir();
    cleanup = tmp.cleanup;
    writeFileSync(join(tmp.dir, 'train.txt'), 'a.wav\n');
    writeFileSync(join(tmp.dir, 'valid.txt'), 'b.wav\n');
    writeFileSync(join(tmp.dir, 'test.txt'), 'a.wav\n');
    expect(() => readSplitFiles(tmp.dir)).toThrow(/a.*test list/);
  });
});

describe('k folds by track', () => {
  it('keep every segment of a track in one fold, use each track once as test, and stratify labels', () => {
    const tracks: string[] = [];
    const labels: string[] = [];
    for (const genre of ['a', 'b', 'c']) {
      for (let t = 0; t < 20; t++) for (let s = 0; s < 3; s++) {
        tracks.push(`${genre}${t}`);
        labels.push(genre);
      }
    }
    const folds = trackFolds(tracks, labels, 10, { seed: 4 });
    const tested = new Map<string, number>();
    for (const f of folds) {
      const sides = [f.train, f.valid, f.test].map((idx) => new Set(idx.map((i) => tracks[i])));
      expect([...sides[0]].some((t) => sides[1].has(t) || sides[2].has(t))).toBe(false);
      expect([...sides[1]].some((t) => sides[2].has(t))).toBe(false);
      expect(f.train.length + f.valid.length + f.test.length).toBe(tracks.length);
      for (const t of sides[2]) tested.set(t, (tested.get(t) ?? 0) + 1);
      // 60 tracks, 10 folds: each test fold holds 2 tracks of each label; 2 validation folds, 7 training folds.
      for (const g of ['a', 'b', 'c']) expect([...sides[2]].filter((t) => t.startsWith(g))).toHaveLength(2);
      expect(sides[1].size).toBe(12);
    }
    expect(tested.size).toBe(60);
    expect([...tested.values()].every((n) => n === 1)).toBe(true);
    expect(trackFolds(tracks, labels, 10, { seed: 4 })).toEqual(folds);
  });
});
