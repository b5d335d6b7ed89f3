import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poolSizing } from '../../src/main/workers/classify-pool.ts';
import { makeAudioFile } from '../helpers/audio-fixtures.ts';
import { makeCorruptFlac } from '../helpers/corrupt-audio.ts';
import { requireGtzan } from '../helpers/gtzan.ts';
import { cliPath, runCli } from '../helpers/run-cli.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

interface Line {
  path: string;
  status: string;
  error: string | null;
  model: { kind: string; version: string } | null;
  genre: string | null;
  confidence: number | null;
  runnerUp: string | null;
  runnerUpConfidence: number | null;
  probabilities: Record<string, number> | null;
  models: Record<string, { version: string; genre: string; probabilities: Record<string, number> }>;
}

describe('genre-tagger classify (the shipped models, a GTZAN clip, generated and broken files)', () => {
  const tmp = makeTempDir();
  const music = join(tmp.dir, 'Music');
  const db = join(tmp.dir, 'lib.sqlite');
  // An empty user model store: only the shipped default models are active.
  const env = { GENRE_TAGGER_HOME: join(tmp.dir, 'home') };

  beforeAll(() => {
    mkdirSync(music, { recursive: true });
    copyFileSync(join(requireGtzan(), 'audio/classical/classical.00002.opus'), join(music, 'a-classical.opus'));
    makeAudioFile(join(music, 'b-tone.mp3'), { format: 'mp3', seconds: 5, source: 'sine=frequency=440' });
    makeCorruptFlac(join(music, 'c-corrupt.flac'));
    // Not a track at all: a link to a file that is gone. It is no line of the report, but it is not kept quiet.
    symlinkSync(join(tmp.dir, 'gone.mp3'), join(music, 'd-dangling.mp3'));
  });
  afterAll(() => tmp.cleanup());

  it('prints JSON lines with the top genre, its confidence, the runner-up and every probability', async () => {
    const r = await runCli(['classify', music, '--db', db, '--json'], { env });
    expect(r.code, r.stderr).toBe(0);
    // Lines come as tracks finish (two workers): the set is what matters, so read them in path order.
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Line).sort((a, b) => (a.path < b.path ? -1 : 1));
    expect(lines.map((l) => l.path)).toEqual(['a-classical.opus', 'b-tone.mp3', 'c-corrupt.flac'].map((f) => join(music, f)));
    for (const l of lines.slice(0, 2)) {
      // The ensemble speaks for the track; every shipped model's answer comes with it.
      expect(l).toMatchObject({ status: 'ok', error: null, model: { kind: 'ensemble', version: 'gtzan-ensemble' } });
      expect(Object.keys(l.models).sort()).toEqual(['cnn', 'ensemble', 'mlfi', 'svm']);
      expect(l.models.svm.version).toBe('gtzan-svm-filtered');
      const probs = l.probabilities!;
      expect(Object.keys(probs)).toEqual(['blues', 'classical', 'country', 'disco', 'hiphop', 'jazz', 'metal', 'pop', 'reggae', 'rock']);
      expect(Object.values(probs).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
      const ranked = Object.entries(probs).sort((a, b) => b[1] - a[1]);
      expect([l.genre, l.confidence]).toEqual(ranked[0]);
      expect([l.runnerUp, l.runnerUpConfidence]).toEqual(ranked[1]);
      expect(l.models.ensemble.probabilities).toEqual(probs);
      for (const m of Object.values(l.models)) expect(Object.values(m.probabilities).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    }
    expect(lines[0].genre).toBe('classical');
    for (const m of Object.values(lines[0].models)) expect(m.genre).toBe('classical');
    expect(lines[2]).toMatchObject({ status: 'error', genre: null, probabilities: null, models: {} });
    expect(lines[2].error).toMatch(/^Cannot decode the audio: /);
    expect(r.stderr).toContain(`Skipped 1 file or folder the scan could not list or open:\n  ${join(music, 'd-dangling.mp3')}\n    Broken link`);
  });

  it('scan lists the files left with no genre after classifying, under a heading that says why', async () => {
    const r = await runCli(['scan', music, '--db', join(tmp.dir, 'scanned.sqlite')], { env });
    expect(r.code, r.stderr).toBe(0);
    // the scan itself read every header; the corrupt FLAC is found out by decoding it
    expect(r.stdout).toMatch(/^Scanned 3 audio files in \d+s \(\d+ files\/s\): 3 new, .*, 0 unreadable, 1 skipped\.$/m);
    expect(r.stdout).toContain(`\nFiles with no genre, unreadable, silent or too short (1):\n  ${join(music, 'c-corrupt.flac')}\n    Cannot decode the audio`);
  });

  it('counts one track as one track', async () => {
    const one = join(tmp.dir, 'One');
    makeAudioFile(join(one, 'only.mp3'), { format: 'mp3', seconds: 3, source: 'anoisesrc=color=pink:amplitude=0.3' });
    const r = await runCli(['classify', one, '--db', join(tmp.dir, 'one.sqlite')], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^Listened to 1 of 1 new or changed track in \d+s \(1 worker, models on the CPU\); 1 track; genres by ensemble gtzan-ensemble\.$/m);
  });

  it('writes progress to a log as lines, none of them before the job has counted anything', async () => {
    const r = await runCli(['classify', music, '--db', join(tmp.dir, 'logged.sqlite')], { env });
    expect(r.code, r.stderr).toBe(0);
    // stderr is no terminal here: the classification's plan, not the scan's empty start ("listing files (0 found)");
    // the analysis workers are the default number for this machine's cores
    const { analysisWorkers } = poolSizing(undefined);
    const workers = `${analysisWorkers} worker${analysisWorkers === 1 ? '' : 's'}`;
    expect(r.stderr.split('\n')).toContain(`Listening and classifying (${workers}, models on the CPU; ensemble, mlfi, cnn, svm) 0/3 0%`);
    expect(r.stderr).not.toMatch(/\(0 found\)/);
  });

  it('prints a table, and does not listen to unchanged tracks again', async () => {
    const r = await runCli(['classify', music, '--db', db], { env });
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout.split('\n');
    expect(out[0]).toMatch(/^GENRE\s+CONF\s+RUNNER-UP\s+PATH$/);
    expect(out[1]).toMatch(new RegExp(`^classical\\s+\\d+\\.\\d%\\s+[a-z]+ \\d+\\.\\d%\\s+${join(music, 'a-classical.opus')}$`));
    expect(out[2]).toMatch(/^[a-z]+\s+\d+\.\d%\s+[a-z]+ \d+\.\d%\s+.*b-tone\.mp3$/);
    expect(out[3]).toMatch(/^unreadable\s+.*c-corrupt\.flac$/);
    expect(out[4]).toMatch(/Cannot decode the audio/);
    expect(r.stderr).toMatch(/Listened to 0 of 0 new or changed tracks/);
    expect(r.stderr).toMatch(/genres by ensemble gtzan-ensemble/);
  });

  it('--model picks the model that speaks for each track, and the arguments are checked', async () => {
    const r = await runCli(['classify', music, '--db', db, '--model', 'svm', '--json'], { env });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Line);
    expect(lines[0].model).toEqual({ kind: 'svm', version: 'gtzan-svm-filtered' });
    expect(lines[0].probabilities).toEqual(lines[0].models.svm.probabilities);
    expect((await runCli(['classify', '--db', db], { env })).code).toBe(2);
    expect((await runCli(['classify', music, '--model', 'knn'], { env })).stderr).toMatch(/Unknown model knn/);
  });

  it('says at once when ffmpeg is missing, and keeps what the scan found', async () => {
    const noFfmpeg = join(tmp.dir, 'no-ffmpeg.sqlite');
    // Node itself is run by its full path; the PATH holds no ffmpeg
    const r = await runCli(['classify', music, '--db', noFfmpeg], { env: { ...env, PATH: join(tmp.dir, 'home'), FFMPEG_PATH: '' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/ffmpeg was not found\. Install it/);
    expect(r.stdout).toBe('');
    const list = await runCli(['list', '--db', noFfmpeg, '--json'], { env });
    expect(list.stdout.trim().split('\n')).toHaveLength(3);
  });

  it('says when there is nothing to classify, or no such folder', async () => {
    const empty = join(tmp.dir, 'Empty');
    mkdirSync(empty, { recursive: true });
    const none = await runCli(['classify', empty, '--db', join(tmp.dir, 'empty.sqlite')], { env });
    expect(none.code, none.stderr).toBe(0);
    expect(none.stderr).toMatch(/Listened to 0 of 0 new or changed tracks/);
    const missing = await runCli(['classify', join(tmp.dir, 'No such folder'), '--db', join(tmp.dir, 'missing.sqlite')], { env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/Folder not found/);
  });

  it('scan classifies what it found, unless --no-classify', async () => {
    const other = join(tmp.dir, 'other.sqlite');
    const plain = await runCli(['scan', music, '--db', other, '--json', '--no-classify'], { env });
    expect(plain.code, plain.stderr).toBe(0);
    expect(JSON.parse(plain.stdout)).toMatchObject({ added: 3, classify: null });
    const list = await runCli(['list', '--db', other, '--json'], { env });
    expect(list.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { predictedGenre: string | null }).predictedGenre)).toEqual([null, null, null]);

    const r = await runCli(['scan', music, '--db', other, '--json'], { env });
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as { unchanged: number; classify: Record<string, unknown>; unreadable: { path: string; error: string }[] };
    expect(s.unchanged).toBe(3);
    expect(s.classify).toMatchObject({ status: 'done', total: 3, classified: 2, unreadable: 1 });
    expect(s.unreadable.map((u) => u.path)).toEqual([join(music, 'c-corrupt.flac')]);
  });

  it('prints each track as soon as it is stored, long before the run ends', async () => {
    // Four 40 s tracks, one worker: when the first line arrives, the later tracks are not listened to yet.
    const folder = join(tmp.dir, 'Stream');
    mkdirSync(folder);
    for (let i = 0; i < 4; i++) makeAudioFile(join(folder, `t${i}.mp3`), { format: 'mp3', seconds: 40, source: `sine=frequency=${220 * (i + 1)}` });
    const streamDb = join(tmp.dir, 'stream.sqlite');
    const child = spawn(process.execPath, [cliPath, 'classify', folder, '--db', streamDb, '--workers', '1', '--compute', 'auto'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let storedAtFirstLine: number | null = null;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      // the header, then the first track
      if (storedAtFirstLine === null && stdout.split('\n').length > 2) {
        const reader = new Database(streamDb, { readonly: true });
        try {
          storedAtFirstLine = (reader.prepare('SELECT count(*) AS n FROM track_analyses').get() as { n: number }).n;
        } finally {
          reader.close();
        }
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, stderr).toBe(0);
    const lines = stdout.trim().split('\n').slice(1);
    expect(lines.map((l) => l.split(/\s+/).at(-1)).sort()).toEqual([0, 1, 2, 3].map((i) => join(folder, `t${i}.mp3`)));
    for (const l of lines) expect(l).toMatch(/^[a-z]+\s+\d+\.\d%/);
    // This machine has no GPU: the models ran on the CPU, and the summary says so.
    expect(stderr).toMatch(/Listened to 4 of 4 new or changed tracks .*\(1 worker, models on the CPU\)/);
    expect(storedAtFirstLine).not.toBeNull();
    expect(storedAtFirstLine!).toBeLessThan(4);
  });
});

describe('genre-tagger classify, interrupted (Ctrl-C)', () => {
  const tmp = makeTempDir();
  afterAll(() => tmp.cleanup());

  it('stops the tracks under way, says how far it got and exits with 130', async () => {
    // Two workers and four 2-minute tracks: the interrupt comes while both workers decode and analyse.
    const folder = join(tmp.dir, 'Long');
    mkdirSync(folder);
    for (let i = 0; i < 4; i++) makeAudioFile(join(folder, `t${i}.mp3`), { format: 'mp3', seconds: 120, source: `anoisesrc=amplitude=0.${i + 2}` });
    const child = spawn(process.execPath, [cliPath, 'classify', folder, '--db', join(tmp.dir, 'lib.sqlite'), '--workers', '2'], {
      env: { ...process.env, GENRE_TAGGER_HOME: join(tmp.dir, 'home') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let interrupted = false;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      // once the job has started listening, and a moment later, so that both workers are inside a track
      if (!interrupted && /Listening and classifying/.test(stderr)) {
        interrupted = true;
        setTimeout(() => child.kill('SIGINT'), 1500);
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(interrupted).toBe(true);
    expect(code, stderr).toBe(130);
    // the job ended by itself (it did not have to be stopped after its grace period): its summary is printed
    expect(stderr).toMatch(/Cancelled after [0-3] of 4 new or changed tracks/);
  });
});
