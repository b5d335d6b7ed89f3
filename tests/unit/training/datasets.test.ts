import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAudioDataset } from '../../../src/main/core/training/datasets/audio-dataset.ts';
import { featureWindowSeconds } from '../../../src/main/core/training/datasets/feature-window.ts';
import { readFeatureTable } from '../../../src/main/core/training/datasets/feature-table.ts';
import { openDataset } from '../../../src/main/core/training/datasets/open-dataset.ts';
import { gtzanFeatureNames } from '../../../src/main/core/features/gtzan-feature-names.ts';
import { makeAudioFile } from '../../helpers/audio-fixtures.ts';
import { requireGtzan } from '../../helpers/gtzan.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

const tmp = makeTempDir();
beforeAll(() => {
  makeAudioFile(join(tmp.dir, 'folders', 'jazz', 'a.mp3'), { format: 'mp3', seconds: 0.5 });
  makeAudioFile(join(tmp.dir, 'folders', 'jazz', 'live', 'b.flac'), { format: 'flac', seconds: 0.5 });
  makeAudioFile(join(tmp.dir, 'folders', 'rock', 'c.ogg'), { format: 'ogg', seconds: 0.5 });
  writeFileSync(join(tmp.dir, 'folders', 'rock', 'cover.jpg'), 'not audio');
  writeFileSync(join(tmp.dir, 'folders', 'labels-elsewhere.txt'), '');
});
afterAll(() => tmp.cleanup());

describe('datasets', () => {
  it('reads <genre>/<file> folders (nested files included, non-audio skipped)', () => {
    const d = readAudioDataset(join(tmp.dir, 'folders'));
    expect(d.source).toBe('folders');
    expect(d.items.map((i) => [i.label, i.track])).toEqual([
      ['jazz', 'a'],
      ['jazz', 'b'],
      ['rock', 'c'],
    ]);
  });

  it('reads a labels.csv (path,genre) relative to its folder, and names missing files', () => {
    writeFileSync(join(tmp.dir, 'folders', 'labels.csv'), 'path,genre\njazz/a.mp3,blues\n"rock/c.ogg",metal\n');
    const d = openDataset(join(tmp.dir, 'folders'));
    expect(d.kind).toBe('audio');
    if (d.kind !== 'audio') return;
    expect(d.audio.source).toBe('labels.csv');
    expect(d.audio.items.map((i) => [i.path, i.label])).toEqual([
      [join(tmp.dir, 'folders', 'jazz', 'a.mp3'), 'blues'],
      [join(tmp.dir, 'folders', 'rock', 'c.ogg'), 'metal'],
    ]);
    writeFileSync(join(tmp.dir, 'bad.csv'), 'path,genre\nnope.mp3,rock\n');
    expect(() => readAudioDataset(join(tmp.dir, 'bad.csv'))).toThrow(/1 file\(s\) that do not exist, e.g. nope.mp3/);
  });

  it('recognises the Kaggle feature table, reads its 57 features in order and its 30 s window', () => {
    const csv = join(requireGtzan(), 'features_30_sec.csv');
    const d = openDataset(csv);
    expect(d.kind).toBe('features');
    const table = readFeatureTable(csv);
    expect(table.rows).toHaveLength(1000);
    expect(table.featureNames).toEqual(gtzanFeatureNames);
    expect(table.rows[0]).toEqual({ id: 'blues.00000.wav', track: 'blues.00000', label: 'blues' });
    // First row of the file: chroma_stft_mean 0.35008811950683594 ... mfcc20_var 46.93603515625.
    expect(table.values[0]).toBe(0.35008811950683594);
    expect(table.values[56]).toBe(46.93603515625);
    expect(featureWindowSeconds(table)).toBe(30);
  });

  it('explains a malformed feature table', () => {
    writeFileSync(join(tmp.dir, 'short.csv'), 'filename,label,rms_mean\na.wav,rock,1\n');
    expect(() => readFeatureTable(join(tmp.dir, 'short.csv'))).toThrow(/lacks 56 feature column/);
  });
});
