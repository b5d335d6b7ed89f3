import { existsSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrackAnalyzer } from '../../../src/main/core/training/analysis/analyze-dataset.ts';
import { analyzeDataset, inProcessAnalyzer } from '../../../src/main/core/training/analysis/analyze-dataset.ts';
import { CACHED_ANALYSIS_FORMAT, readCachedAnalysis } from '../../../src/main/core/training/analysis/cached-analysis.ts';
import { engineSourceFingerprint } from '../../../src/main/core/training/analysis/engine-source-fingerprint.ts';
import { readAudioDataset } from '../../../src/main/core/training/datasets/audio-dataset.ts';
import { analyzeTrack } from '../../../src/main/core/features/index.ts';
import { makeAudioFile } from '../../helpers/audio-fixtures.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

const tmp = makeTempDir();
const root = join(tmp.dir, 'data');
beforeAll(() => {
  makeAudioFile(join(root, 'jazz', 'a.flac'), { format: 'flac', seconds: 4.5, source: 'sine=frequency=330', channels: 1 });
  makeAudioFile(join(root, 'rock', 'b.mp3'), { format: 'mp3', seconds: 2, source: 'anoisesrc=color=pink:amplitude=0.3' });
});
afterAll(() => tmp.cleanup());

/** The real in-process analyzer, counting its calls. */
function counting(): { analyzer: TrackAnalyzer; calls: string[] } {
  const calls: string[] = [];
  return { calls, analyzer: (job, signal) => (calls.push(job.path), inProcessAnalyzer(job, signal)) };
}

describe('audio dataset loading', () => {
  it('says clearly what is wrong with a dataset path', () => {
    expect(() => readAudioDataset(join(tmp.dir, 'nowhere'))).toThrow(/Dataset not found: .*nowhere/);
    const empty = join(tmp.dir, 'empty');
    makeAudioFile(join(empty, 'notes', 'x.flac'), { format: 'flac', seconds: 0.2 });
    writeFileSync(join(empty, 'notes', 'readme.txt'), 'text');
    writeFileSync(join(empty, 'loose.mp3'), 'a file outside a genre folder');
    expect(readAudioDataset(empty).items.map((i) => i.label)).toEqual(['notes']);
    const none = join(tmp.dir, 'none');
    makeAudioFile(join(none, 'x.flac'), { format: 'flac', seconds: 0.2 });
    expect(() => readAudioDataset(none)).toThrow(/holds no audio in <genre>\/<file> folders and no labels.csv/);
    writeFileSync(join(tmp.dir, 'nogenre.csv'), 'path,artist\ndata/jazz/a.flac,x\n');
    expect(() => readAudioDataset(join(tmp.dir, 'nogenre.csv'))).toThrow(/must name a path column and a genre column/);
    writeFileSync(join(tmp.dir, 'blank.csv'), 'path,genre\ndata/jazz/a.flac,\n');
    expect(() => readAudioDataset(join(tmp.dir, 'blank.csv'))).toThrow(/line 2: empty path or genre/);
  });
});

describe('analysis cache', () => {
  it('analyses each file once, keyed by content hash and engine version, and keeps what the models need', async () => {
    const cacheDir = join(tmp.dir, 'cache');
    const first = counting();
    const tracks = await analyzeDataset(readAudioDataset(root), { cacheDir, analyzer: first.analyzer });
    expect(first.calls).toHaveLength(2);
    const files = readdirSync(join(cacheDir, 'analysis'));
    expect(files).toHaveLength(2);
    const engine = engineSourceFingerprint();
    expect(files.every((f) => f.endsWith(`-${engine}-f${CACHED_ANALYSIS_FORMAT}.gtac`) && /^[0-9a-f]{64}-/.test(f))).toBe(true);

    // What is cached is what the engine computes for the file.
    const [a] = tracks;
    const direct = await analyzeTrack(a.path);
    expect(a.label).toBe('jazz');
    expect(a.analysis.segmentCount).toBe(direct.segmentCount);
    expect(a.analysis.segmentStarts).toEqual(direct.segments.map((s) => s.startSeconds));
    expect(a.analysis.cnn.subarray(64 * 256, 2 * 64 * 256)).toEqual(direct.segments[1].cnnInput);
    expect(a.analysis.mlfi.subarray(0, 128 * 130)).toEqual(direct.segments[0].mlfiInput);
    expect(a.analysis.segmentFeatures.subarray(57, 114)).toEqual(direct.segments[1].features);
    // A short clip is one SVM window: its clip features.
    expect(a.analysis.svmWindowStarts).toEqual([0]);
    expect(a.analysis.svmWindows).toEqual(direct.clip.features);
    // The 2 s file is one zero-padded segment.
    expect(tracks[1].analysis.segmentCount).toBe(1);

    // Again, and with a file renamed: nothing is analysed twice (the key is the content, not the name).
    renameSync(join(root, 'rock', 'b.mp3'), join(root, 'rock', 'renamed.mp3'));
    const again = counting();
    await analyzeDataset(readAudioDataset(root), { cacheDir, analyzer: again.analyzer });
    expect(again.calls).toEqual([]);
  });

  it('reports files that cannot be analysed together, after caching the others', async () => {
    const cacheDir = join(tmp.dir, 'cache2');
    writeFileSync(join(root, 'rock', 'broken.mp3'), 'this is not audio at all');
    try {
      await expect(analyzeDataset(readAudioDataset(root), { cacheDir })).rejects.toThrow(/1 of 3 file\(s\) could not be analysed[^]*broken\.mp3/);
      expect(readdirSync(join(cacheDir, 'analysis'))).toHaveLength(2);
    } finally {
      rmSync(join(root, 'rock', 'broken.mp3'));
    }
    const bad = join(cacheDir, 'analysis', readdirSync(join(cacheDir, 'analysis'))[0]);
    writeFileSync(bad, 'GTAC garbage');
    expect(() => readCachedAnalysis(bad)).toThrow();
    expect(existsSync(bad)).toBe(true);
  });
});
