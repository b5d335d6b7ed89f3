import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeTrack } from '../../src/main/core/features/analyze-track.ts';
import { gtzanFeatureNames } from '../../src/main/core/features/gtzan-feature-names.ts';
import { CNN_INPUT, MLFI_INPUT } from '../../src/main/core/features/model-input-spectrograms.ts';
import { makeAudioFile } from '../helpers/audio-fixtures.ts';
import { gtzanDir } from '../helpers/gtzan.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());
const run = promisify(execFile);

describe('analyzeTrack', () => {
  it('covers a track with 3 s segments every 65 frames (1.509 s), each with 57 features, a 64x256 CNN and a 128x130 MLFI input', async () => {
    const path = makeAudioFile(join(tmp.dir, 'mix.ogg'), { format: 'ogg', seconds: 10, source: 'anoisesrc=color=pink:amplitude=0.3' });
    const progress: number[] = [];
    const a = await analyzeTrack(path, { onProgress: (p) => progress.push(p.seconds) });
    expect(a.durationSeconds).toBeCloseTo(10, 0);
    // windows at 0, 1.509, ..., 6.036 s (5 full windows ending at 9.04 s), then one ending within 512 samples of
    // the end (the 0.96 s tail is more than half a hop)
    const n = Math.round(a.durationSeconds * 22050);
    const starts = a.segments.map((s) => Math.round(s.startSeconds * 22050));
    expect(starts.slice(0, 5)).toEqual([0, 33280, 66560, 99840, 133120]);
    expect(starts).toHaveLength(6);
    expect(starts[5] % 512).toBe(0);
    expect(n - (starts[5] + 66150)).toBeGreaterThanOrEqual(0);
    expect(n - (starts[5] + 66150)).toBeLessThan(512);
    expect(a.segments.map((s) => s.index)).toEqual([0, 1, 2, 3, 4, 5]);
    for (const s of a.segments) {
      expect(s.features).toHaveLength(57);
      expect(s.cnnInput).toHaveLength(CNN_INPUT.mels * CNN_INPUT.frames);
      expect(s.mlfiInput).toHaveLength(MLFI_INPUT.mels * MLFI_INPUT.frames);
      expect(s.features.every(Number.isFinite)).toBe(true);
      expect(s.cnnInput.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    }
    expect(a.clip.seconds).toBeCloseTo(a.durationSeconds, 5);
    expect(progress.at(-1)).toBeCloseTo(a.durationSeconds, 3);
  });

  it('gives a short file one zero-padded segment, and silence finite features with tempo 0', async () => {
    const path = makeAudioFile(join(tmp.dir, 'short.wav'), { format: 'wav', seconds: 1, source: 'anullsrc=r=44100:cl=stereo' });
    const a = await analyzeTrack(path);
    expect(a.segments).toHaveLength(1);
    expect(a.segments[0].padded).toBe(true);
    for (const v of [a.clip.features, a.segments[0].features]) {
      expect(v.every(Number.isFinite)).toBe(true);
      expect(v[gtzanFeatureNames.indexOf('tempo')]).toBe(0);
      expect(v[gtzanFeatureNames.indexOf('rms_mean')]).toBe(0);
    }
  });

  it('streams a long track with segments handed out one by one, and the clip taken from its middle', async () => {
    const path = makeAudioFile(join(tmp.dir, 'long.mp3'), { format: 'mp3', seconds: 80, channels: 1, source: 'sine=frequency=330' });
    let seen = 0;
    const a = await analyzeTrack(path, { keepSegments: false, onSegment: () => seen++, segments: { cnn: false, mlfi: false }, clipMaxSeconds: 20 });
    expect(a.segments).toHaveLength(0);
    expect(seen).toBe(a.segmentCount);
    expect(seen).toBeGreaterThanOrEqual(51);
    expect(a.clip.seconds).toBeCloseTo(20, 3);
    expect(a.clip.startSeconds).toBeGreaterThan(29);
    expect(a.clip.startSeconds).toBeLessThan(31);
  });

  it('lets the event loop turn while it streams, so work queued for the segments runs during the analysis, not after it', async () => {
    // A WAV decodes far faster than it is analysed: the decoded chunks are waiting, and a loop over them would
    // run from one to the next without a turn of the event loop (onnxruntime-node runs batches in setImmediate).
    const path = makeAudioFile(join(tmp.dir, 'turns.wav'), { format: 'wav', seconds: 150, source: 'anoisesrc=color=pink:amplitude=0.3' });
    let ran = 0;
    const ranWhenDelivered: number[] = [];
    const a = await analyzeTrack(path, {
      keepSegments: false,
      segments: { cnn: false, mlfi: false },
      onSegment: () => {
        ranWhenDelivered.push(ran);
        setImmediate(() => ran++);
      },
    });
    expect(a.segmentCount).toBeGreaterThan(95);
    // The first minute's segments come together (they wait for the tuning), then one or two per chunk: by the
    // last segment, all but the latest few of the queued callbacks have run.
    expect(ranWhenDelivered.at(-1)).toBeGreaterThan(a.segmentCount - 45);
  });
});

describe('genre-tagger analyze', () => {
  it('prints clip and segment features as JSON and writes the mel spectrogram as a PNG', async () => {
    const png = join(tmp.dir, 'mel.png');
    const wav = join(gtzanDir, 'original/disco/disco.00002.wav');
    const { stdout } = await run(process.execPath, ['bin/genre-tagger.js', 'analyze', wav, '--json', '--segments', '--png', png]);
    const out = JSON.parse(stdout);
    expect(Object.keys(out.clip.features)).toEqual([...gtzanFeatureNames]);
    expect(out.segments).toHaveLength(19);
    const table = readFileSync(join(gtzanDir, 'features_30_sec.csv'), 'utf8').split('\n');
    const header = table[0].split(',');
    const row = table.find((l) => l.startsWith('disco.00002.wav'))!.split(',');
    expect(out.clip.features.tempo).toBeCloseTo(Number(row[header.indexOf('tempo')]), 6);
    const image = readFileSync(png);
    expect(image.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(image.readUInt32BE(16)).toBe(1293); // width: one column per frame
    expect(image.readUInt32BE(20)).toBe(256); // height: 128 bands x 2
  });

  it('with reuseSegmentInputs, every segment arrives in the same two arrays holding exactly what fresh ones hold', async () => {
    const path = makeAudioFile(join(tmp.dir, 'reuse.mp3'), { format: 'mp3', seconds: 12, source: 'anoisesrc=color=pink:amplitude=0.3' });
    const copy = (s: { cnnInput: Float32Array; mlfiInput: Float32Array }) => ({ cnn: Float32Array.from(s.cnnInput), mlfi: Float32Array.from(s.mlfiInput) });
    const fresh: { cnn: Float32Array; mlfi: Float32Array }[] = [];
    await analyzeTrack(path, { keepSegments: false, onSegment: (s) => fresh.push(copy(s)) });
    const reused: { cnn: Float32Array; mlfi: Float32Array }[] = [];
    const arrays = new Set<Float32Array>();
    await analyzeTrack(path, {
      keepSegments: false,
      reuseSegmentInputs: true,
      onSegment: (s) => {
        arrays.add(s.cnnInput).add(s.mlfiInput);
        reused.push(copy(s));
      },
    });
    expect(reused.length).toBe(fresh.length);
    expect(reused.length).toBeGreaterThan(4);
    expect(arrays.size).toBe(2);
    for (let i = 0; i < fresh.length; i++) {
      expect(reused[i].cnn).toEqual(fresh[i].cnn);
      expect(reused[i].mlfi).toEqual(fresh[i].mlfi);
    }
  });
});
