import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClassifySummary } from '../../src/shared/api/predictions.ts';
import { readFloat32Blob } from '../../src/main/core/db/blob-codec.ts';
import type { ModelStore } from '../../src/main/core/models/store/model-store.ts';
import type { AppContext } from '../../src/main/services/app-context.ts';
import { createAppContext } from '../../src/main/services/app-context.ts';
import { addRoot, startScan } from '../../src/main/services/library.ts';
import { classificationStatus, startClassification, trackPredictions } from '../../src/main/services/predictions.ts';
import { makeAudioFile } from '../helpers/audio-fixtures.ts';
import { childProcesses } from '../helpers/child-processes.ts';
import { makeCorruptFlac } from '../helpers/corrupt-audio.ts';
import { gtzanDir, requireGtzan } from '../helpers/gtzan.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { installTestModels } from '../helpers/test-models.ts';
import { finishedResult } from '../helpers/job-result.ts';

interface TrackRecord {
  id: number;
  path: string;
  status: string;
  error: string | null;
  content_version: number;
  predicted_genre: string | null;
  predicted_confidence: number | null;
}
interface AnalysisRecord {
  track_id: number;
  content_version: number;
  status: string;
  error: string | null;
  error_code: string | null;
  duration_s: number | null;
  segment_count: number | null;
  clip_features: Buffer | null;
  engine_version: string;
  analyzed_at: number;
}
interface PredictionRecord {
  track_id: number;
  model_kind: string;
  model_version: string;
  content_version: number;
  probabilities: Buffer;
  segment_count: number;
  segment_seconds: number;
  segment_starts: Buffer;
  segment_probabilities: Buffer;
  top_genre: string;
  confidence: number;
}

/** Scans (which starts the classification) and waits for both jobs; returns the classification summary. */
async function scanAndClassify(ctx: AppContext, rootIds: number[]): Promise<ClassifySummary> {
  const scan = await ctx.jobs.wait(startScan(ctx, rootIds).jobId);
  expect(scan.status, scan.error ?? '').toBe('done');
  expect(scan.followUp, 'a finished scan starts the classification').not.toBeNull();
  const job = await ctx.jobs.wait(scan.followUp!);
  expect(job.status, job.error ?? '').toBe('done');
  return finishedResult(job, 'classify');
}

describe('classification pipeline on a real library (real SQLite, ffmpeg, GTZAN clips, every model kind)', () => {
  const tmp = makeTempDir();
  const music = join(tmp.dir, 'Music');
  let ctx: AppContext;
  let store: ModelStore;
  let rootId: number;
  const tracks = (): Map<string, TrackRecord> =>
    new Map((ctx.db.prepare('SELECT * FROM tracks').all() as TrackRecord[]).map((t) => [t.path.slice(music.length + 1), t]));
  const analysis = (id: number): AnalysisRecord | undefined =>
    ctx.db.prepare('SELECT * FROM track_analyses WHERE track_id = ?').get(id) as AnalysisRecord | undefined;
  const predictions = (id: number): PredictionRecord[] =>
    ctx.db.prepare('SELECT * FROM predictions WHERE track_id = ? ORDER BY model_kind').all(id) as PredictionRecord[];

  beforeAll(async () => {
    const gtzan = requireGtzan();
    mkdirSync(join(music, 'gtzan'), { recursive: true });
    // GTZAN clips the shipped SVM is sure about (classical and metal have its best F1 on the test split).
    copyFileSync(join(gtzan, 'audio/classical/classical.00002.opus'), join(music, 'gtzan/classical.00002.opus'));
    copyFileSync(join(gtzan, 'audio/metal/metal.00001.opus'), join(music, 'gtzan/metal.00001.opus'));
    makeAudioFile(join(music, 'made/noise.mp3'), { format: 'mp3', seconds: 7, source: 'anoisesrc=color=pink:amplitude=0.3' });
    makeAudioFile(join(music, 'made/tone.flac'), { format: 'flac', seconds: 4.5, source: 'sine=frequency=330' });
    makeAudioFile(join(music, 'made/short.ogg'), { format: 'ogg', seconds: 1.2, source: 'sine=frequency=880' });
    makeCorruptFlac(join(music, 'made/corrupt.flac'));
    ctx = createAppContext({ shell: 'cli', dbPath: join(tmp.dir, 'lib.sqlite'), dataDir: tmp.dir });
    store = await installTestModels(tmp.dir);
    rootId = addRoot(ctx, music).id;
  });
  afterAll(async () => {
    await ctx?.close();
    tmp.cleanup();
  });

  it('stores an analysis and a prediction of every active model version for every readable track', async () => {
    const active = ['cnn', 'ensemble', 'mlfi', 'svm'].map((k) => store.active(k as 'cnn')!);
    expect(active.every(Boolean)).toBe(true);
    const summary = await scanAndClassify(ctx, [rootId]);
    expect(summary).toMatchObject({ total: 6, classified: 5, unreadable: 1, failed: 0, cancelled: false });
    expect(summary.models.map((m) => m.kind).sort()).toEqual(['cnn', 'ensemble', 'mlfi', 'svm']);

    const expectedSeconds: Record<string, number> = {
      'gtzan/classical.00002.opus': 30,
      'gtzan/metal.00001.opus': 30,
      'made/noise.mp3': 7,
      'made/tone.flac': 4.5,
      'made/short.ogg': 1.2,
    };
    const byPath = tracks();
    for (const [rel, seconds] of Object.entries(expectedSeconds)) {
      const t = byPath.get(rel)!;
      expect(t.status, rel).toBe('ok');
      const a = analysis(t.id)!;
      expect(a, rel).toBeDefined();
      expect(a).toMatchObject({ status: 'ok', content_version: t.content_version, error: null });
      expect(a.engine_version.length).toBeGreaterThan(0);
      expect(a.duration_s!).toBeGreaterThan(seconds - 0.06);
      expect(a.duration_s!).toBeLessThan(seconds + 0.06);
      expect(readFloat32Blob(a.clip_features!)).toHaveLength(57);
      expect(readFloat32Blob(a.clip_features!).every(Number.isFinite)).toBe(true);

      const ps = predictions(t.id);
      expect(ps.map((p) => `${p.model_kind} ${p.model_version}`), rel).toEqual(active.map((v) => `${v.manifest.kind} ${v.manifest.version}`));
      for (const p of ps) {
        const probs = readFloat32Blob(p.probabilities);
        expect(probs).toHaveLength(10);
        expect(probs.reduce((s, x) => s + x, 0), `${rel} ${p.model_kind}`).toBeCloseTo(1, 5);
        expect(p.content_version).toBe(t.content_version);
        const labels = JSON.parse(
          (ctx.db.prepare('SELECT labels_json FROM model_versions WHERE kind = ? AND version = ?').get(p.model_kind, p.model_version) as { labels_json: string }).labels_json,
        ) as string[];
        expect(p.top_genre).toBe(labels[probs.indexOf(Math.max(...probs))]);
        expect(p.confidence).toBeCloseTo(Math.max(...probs), 6);
        // Segment probabilities: one byte per class, each row summing to exactly 255.
        const starts = readFloat32Blob(p.segment_starts);
        expect(starts).toHaveLength(p.segment_count);
        expect(p.segment_probabilities).toHaveLength(p.segment_count * 10);
        for (let i = 0; i < p.segment_count; i++) {
          let sum = 0;
          for (let c = 0; c < 10; c++) sum += p.segment_probabilities[i * 10 + c];
          expect(sum).toBe(255);
        }
      }
      // Segments of the segment models cover the whole track: 3 s every 1.5 s from 0 to the end.
      const cnn = ps.find((p) => p.model_kind === 'cnn')!;
      const starts = Array.from(readFloat32Blob(cnn.segment_starts));
      expect(cnn.segment_count, rel).toBe(a.segment_count);
      expect(ps.find((p) => p.model_kind === 'mlfi')!.segment_count).toBe(a.segment_count);
      expect(starts[0]).toBe(0);
      for (let i = 1; i < starts.length - 1; i++) expect(starts[i] - starts[i - 1]).toBeCloseTo(1.5, 1);
      const last = starts[starts.length - 1];
      if (seconds >= 3) {
        expect(last + 3, rel).toBeLessThanOrEqual(a.duration_s! + 0.01);
        expect(last + 3, rel).toBeGreaterThanOrEqual(a.duration_s! - 0.76);
        expect(a.segment_count!, rel).toBeGreaterThanOrEqual(Math.floor((seconds - 3) / 1.5) + 1);
      } else expect(a.segment_count, rel).toBe(1);
      // The SVM sees one window per track up to 30 s (GTZAN clips: their whole length).
      expect(ps.find((p) => p.model_kind === 'svm')!.segment_count).toBe(1);
      // The table's prediction is the ensemble's.
      const ensemble = ps.find((p) => p.model_kind === 'ensemble')!;
      expect(t.predicted_genre).toBe(ensemble.top_genre);
      expect(t.predicted_confidence).toBeCloseTo(ensemble.confidence, 6);
    }
    // The trained SVM gets the GTZAN clips right (the untrained test CNN and MLFI are noise).
    const svmTop = (rel: string): string => predictions(byPath.get(rel)!.id).find((p) => p.model_kind === 'svm')!.top_genre;
    expect(svmTop('gtzan/classical.00002.opus')).toBe('classical');
    expect(svmTop('gtzan/metal.00001.opus')).toBe('metal');
  });


  it('leaves no process behind: each worker ends its ffmpeg launcher, and nothing is left a zombie', async () => {
    // The classification above ran 2 workers, each with a launcher process that started its ffmpeg runs.
    const leftover = (): string[] => childProcesses().map((p) => `${p.pid} ${p.state} ${p.command.slice(0, 60)}`);
    const deadline = Date.now() + 2000;
    while (leftover().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(leftover()).toEqual([]);
  });
  it('records a file the tag scan read but ffmpeg cannot decode as unreadable, with the reason', () => {
    const t = tracks().get('made/corrupt.flac')!;
    expect(t.status).toBe('error');
    expect(t.error).toMatch(/^Cannot decode the audio: /);
    expect(t.error).not.toContain(music);
    expect(t.predicted_genre).toBeNull();
    const a = analysis(t.id)!;
    expect(a).toMatchObject({ status: 'error', error: t.error, clip_features: null });
    expect(['empty', 'truncated', 'damaged', 'not-audio', 'failed']).toContain(a.error_code);
    expect(predictions(t.id)).toEqual([]);
    // The library's list of unreadable files shows it.
    const errors = ctx.trackQueries.page({ status: 'error' });
    expect(errors.rows.map((r) => r.filename)).toEqual(['corrupt.flac']);
  });

  it('answers the detail panel: each model with its version, and the genre over time from the segments', () => {
    const t = tracks().get('made/noise.mp3')!;
    const p = trackPredictions(ctx, t.id);
    expect(p.analysis).toMatchObject({ status: 'ok', current: true });
    expect(p.models.map((m) => m.kind)).toEqual(['ensemble', 'svm', 'cnn', 'mlfi']);
    expect(p.models.every((m) => m.active && m.current)).toBe(true);
    expect(p.timelineModel).toBe('ensemble');
    const cells = p.timeline;
    expect(cells[0].start).toBe(0);
    expect(cells.at(-1)!.end).toBeCloseTo(p.analysis!.durationS!, 3);
    for (let i = 1; i < cells.length; i++) expect(cells[i].start).toBeCloseTo(cells[i - 1].end, 6);
    const ensemble = p.models[0];
    expect(cells).toHaveLength(ensemble.segmentStarts.length);
    // Each cell is its segment's top genre.
    ensemble.segmentProbabilities.forEach((row, i) => expect(cells[i].genre).toBe(ensemble.labels[row.indexOf(Math.max(...row))]));
    expect(classificationStatus(ctx)).toMatchObject({ pending: 0, classified: 5, unreadable: 1, problem: null });
  });

  it('does no analysis again on an unchanged rescan', async () => {
    const before = new Map([...tracks().values()].map((t) => [t.id, analysis(t.id)?.analyzed_at]));
    const summary = await scanAndClassify(ctx, [rootId]);
    expect(summary).toMatchObject({ total: 0, classified: 0 });
    for (const t of tracks().values()) expect(analysis(t.id)?.analyzed_at).toBe(before.get(t.id));
  });

  it('analyses a changed file again, and only that one', async () => {
    const old = tracks().get('made/tone.flac')!;
    const oldAnalysis = analysis(old.id)!;
    const others = new Map([...tracks().values()].filter((t) => t.id !== old.id).map((t) => [t.id, analysis(t.id)?.analyzed_at]));
    makeAudioFile(join(music, 'made/tone.flac'), { format: 'flac', seconds: 9, source: 'anoisesrc=color=brown:amplitude=0.4' });
    const summary = await scanAndClassify(ctx, [rootId]);
    expect(summary).toMatchObject({ total: 1, classified: 1 });
    const now = tracks().get('made/tone.flac')!;
    expect(now.id).toBe(old.id);
    expect(now.content_version).toBe(old.content_version + 1);
    const a = analysis(now.id)!;
    expect(a.content_version).toBe(now.content_version);
    expect(a.duration_s!).toBeCloseTo(9, 1);
    expect(a.segment_count!).toBeGreaterThan(oldAnalysis.segment_count!);
    expect(predictions(now.id).every((p) => p.content_version === now.content_version)).toBe(true);
    for (const [id, at] of others) expect(analysis(id)?.analyzed_at).toBe(at);
  });

  it('classifies a track again when an active model version has no prediction for it', async () => {
    // Activating another SVM version (the shipped one under a new name) makes every readable track due.
    const svm = store.active('svm')!;
    await store.save({ ...svm.manifest, version: 'svm-copy-for-test' }, (dir) => {
      for (const file of Object.values(svm.manifest.files)) copyFileSync(join(svm.dir, file), join(dir, file));
    });
    try {
      expect(classificationStatus(ctx).pending).toBe(5);
      const one = tracks().get('made/short.ogg')!;
      const job = startClassification(ctx, { trackIds: [one.id] })!;
      const done = await ctx.jobs.wait(job.id);
      expect(done.status, done.error ?? '').toBe('done');
      expect(done.result).toMatchObject({ total: 1, classified: 1 });
      for (const t of tracks().values()) {
        if (t.status !== 'ok') continue;
        const version = predictions(t.id).find((p) => p.model_kind === 'svm')!.model_version;
        expect(version, t.path).toBe(t.id === one.id ? 'svm-copy-for-test' : svm.manifest.version);
      }
      expect(classificationStatus(ctx).pending).toBe(4);
    } finally {
      store.remove('svm', 'svm-copy-for-test');
    }
    expect(classificationStatus(ctx).pending).toBe(1);
  });
});

describe('cancelling a classification', () => {
  const tmp = makeTempDir();
  const music = join(tmp.dir, 'Long');
  let ctx: AppContext;

  beforeAll(() => {
    for (let i = 0; i < 12; i++) {
      makeAudioFile(join(music, `track-${i}.mp3`), { format: 'mp3', seconds: 32, channels: 1, source: `sine=frequency=${200 + 50 * i}` });
    }
    ctx = createAppContext({ shell: 'cli', dbPath: join(tmp.dir, 'lib.sqlite'), dataDir: tmp.dir });
  });
  afterAll(async () => {
    await ctx?.close();
    tmp.cleanup();
  });

  it('leaves every track either untouched or completely classified, and a later run does the rest', async () => {
    const rootId = addRoot(ctx, music).id;
    const scan = await ctx.jobs.wait(startScan(ctx, [rootId], { classify: false }).jobId);
    expect(scan.followUp).toBeNull();
    const job = startClassification(ctx)!;
    // Cancel as soon as the first track is finished, while others are being analysed or still queued.
    await new Promise<void>((resolve) => {
      const off = ctx.events.on('job.progress', (j) => {
        if (j.id !== job.id || j.done < 1) return;
        off();
        resolve();
      });
    });
    ctx.jobs.cancel(job.id);
    const cancelled = await ctx.jobs.wait(job.id);
    expect(cancelled.status).toBe('cancelled');
    const summary = finishedResult(cancelled, 'classify');
    expect(summary.cancelled).toBe(true);

    const rows = ctx.db
      .prepare(
        `SELECT t.id, t.predicted_genre, t.content_version, a.status AS analysis, a.content_version AS analysed_version,
           (SELECT count(*) FROM predictions p WHERE p.track_id = t.id) AS predictions,
           (SELECT top_genre FROM predictions p WHERE p.track_id = t.id AND p.model_kind = 'ensemble') AS ensemble_top
         FROM tracks t LEFT JOIN track_analyses a ON a.track_id = t.id`,
      )
      .all() as { id: number; predicted_genre: string | null; analysis: string | null; analysed_version: number | null; content_version: number; predictions: number; ensemble_top: string | null }[];
    const done = rows.filter((r) => r.analysis !== null);
    const untouched = rows.filter((r) => r.analysis === null);
    expect(done.length).toBeGreaterThanOrEqual(1);
    expect(untouched.length).toBeGreaterThanOrEqual(1);
    expect(done.length).toBe(summary.classified);
    for (const r of done) {
      // The four shipped models: CNN, MLFI, SVM and the ensemble, which speaks for the track.
      expect(r).toMatchObject({ analysis: 'ok', analysed_version: r.content_version, predictions: 4 });
      expect(r.predicted_genre).toBe(r.ensemble_top);
    }
    for (const r of untouched) expect(r).toMatchObject({ predictions: 0, predicted_genre: null });
    // The SVM saw two 30 s windows of each 32 s track: 0-30 and 2-32.
    const svm = ctx.db.prepare(`SELECT segment_starts FROM predictions WHERE track_id = ? AND model_kind = 'svm'`).get(done[0].id) as { segment_starts: Buffer };
    const windows = Array.from(readFloat32Blob(svm.segment_starts));
    expect(windows).toHaveLength(2);
    expect(windows[0]).toBe(0);
    expect(windows[1]).toBeCloseTo(2, 1);

    const rest = startClassification(ctx)!;
    const finished = await ctx.jobs.wait(rest.id);
    expect(finished.status, finished.error ?? '').toBe('done');
    expect(finished.result).toMatchObject({ total: untouched.length, classified: untouched.length });
    expect(ctx.db.prepare('SELECT count(*) FROM tracks WHERE predicted_genre IS NULL').pluck().get()).toBe(0);
  });
});

// Keeps the GTZAN path visible in failures when the data is missing.
void gtzanDir;
