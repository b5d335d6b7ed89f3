import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readAudioDataset } from '../../../src/main/core/training/datasets/audio-dataset.ts';
import { parseCsv } from '../../../src/main/core/training/datasets/csv.ts';
import { readFeatureTable } from '../../../src/main/core/training/datasets/feature-table.ts';
import { openDataset } from '../../../src/main/core/training/datasets/open-dataset.ts';
import { makeAudioFile } from '../../helpers/audio-fixtures.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

// What a spreadsheet writes for a person's labels: a BOM, CRLF line ends, a quoted comma, a quoted line break.
const spreadsheetCsv =
  '\uFEFFpath,genre,notes\r\n' +
  'jazz/a.mp3,Jazz,"first take"\r\n' +
  '"rock/c, live.ogg","Rock, Pop","recorded live;\r\nsecond set"\r\n' +
  '\r\n' +
  'blues/b.flac,Blues,"he said ""again"""\r\n';

describe('CSV records (csv-parse)', () => {
  it('keeps quoted commas, quotes and line breaks in their field, drops the BOM and blank lines, and numbers lines', () => {
    expect(parseCsv(spreadsheetCsv)).toEqual([
      { fields: ['path', 'genre', 'notes'], line: 1 },
      { fields: ['jazz/a.mp3', 'Jazz', 'first take'], line: 2 },
      { fields: ['rock/c, live.ogg', 'Rock, Pop', 'recorded live;\r\nsecond set'], line: 3 },
      { fields: ['blues/b.flac', 'Blues', 'he said "again"'], line: 6 },
    ]);
  });

  it('reads only the records asked for, and names the file of a text it cannot read', () => {
    expect(parseCsv('a,b\n"c\nd', { limit: 1 })).toEqual([{ fields: ['a', 'b'], line: 1 }]);
    expect(() => parseCsv('a,b\n"c,d\n', { source: 'x.csv' })).toThrow(/^x\.csv: not a readable CSV file \(.*Quote Not Closed/);
  });

  it('reads a labels.csv with a BOM, CRLF, a quoted comma and a quoted line break', () => {
    const dir = join(tmp.dir, 'sheet');
    makeAudioFile(join(dir, 'jazz', 'a.mp3'), { format: 'mp3', seconds: 0.5 });
    makeAudioFile(join(dir, 'rock', 'c, live.ogg'), { format: 'ogg', seconds: 0.5 });
    makeAudioFile(join(dir, 'blues', 'b.flac'), { format: 'flac', seconds: 0.5 });
    writeFileSync(join(dir, 'labels.csv'), spreadsheetCsv);
    const opened = openDataset(join(dir, 'labels.csv'));
    expect(opened.kind).toBe('audio');
    expect(readAudioDataset(join(dir, 'labels.csv')).items.map((i) => [i.path, i.label])).toEqual([
      [join(dir, 'jazz', 'a.mp3'), 'Jazz'],
      [join(dir, 'rock', 'c, live.ogg'), 'Rock, Pop'],
      [join(dir, 'blues', 'b.flac'), 'Blues'],
    ]);
    // a row after a quoted line break is reported at its own line of the file
    writeFileSync(join(dir, 'gap.csv'), 'path,genre,notes\r\njazz/a.mp3,Jazz,"two\r\nlines"\r\nblues/b.flac,,\r\n');
    expect(() => readAudioDataset(join(dir, 'gap.csv'))).toThrow(/gap\.csv line 4: empty path or genre/);
  });

  it('reads a feature table whose text fields are quoted across lines', () => {
    const file = join(tmp.dir, 'features.csv');
    writeFileSync(file, '\uFEFFfilename,label,rms_mean\r\n"a\r\nb.wav","Rock, Pop",0.5\r\nc.wav,Jazz,x\r\n');
    expect(() => readFeatureTable(file, ['rms_mean'])).toThrow(/features\.csv line 4: rms_mean is not a number \(x\)/);
    writeFileSync(file, '\uFEFFfilename,label,rms_mean\r\n"a\r\nb.wav","Rock, Pop",0.5\r\n');
    const table = readFeatureTable(file, ['rms_mean']);
    expect(table.rows.map((r) => r.label)).toEqual(['Rock, Pop']);
    expect(Array.from(table.values)).toEqual([0.5]);
  });
});
