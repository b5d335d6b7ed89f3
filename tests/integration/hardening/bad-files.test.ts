import { spawn } from 'node:child_process';
import { readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAudioFile } from '../../helpers/audio-fixtures.ts';
import { processes } from '../../helpers/child-processes.ts';
import { buildBadFileCorpus } from '../../helpers/corrupt-audio.ts';
import type { ExpectedOutcome } from '../../helpers/corrupt-audio.ts';
import { cliPath, runCli } from '../../helpers/run-cli.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

interface Line {
  path: string;
  status: string;
  error: string | null;
  warning: string | null;
  reason: string | null;
  genre: string | null;
}

describe('a true reason for every file: the bad-file corpus through `genre-tagger classify`', () => {
  const tmp = makeTempDir();
  const music = join(tmp.dir, 'Music');
  const env = { GENRE_TAGGER_HOME: join(tmp.dir, 'home') };
  let corpus: ExpectedOutcome[];
  let lines: Map<string, Line>;
  let stderr: string;

  beforeAll(async () => {
    corpus = buildBadFileCorpus(music);
    const r = await runCli(['classify', music, '--db', join(tmp.dir, 'lib.sqlite'), '--json', '--workers', '2'], { env });
    expect(r.code, r.stderr).toBe(0);
    stderr = r.stderr;
    lines = new Map(r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Line).map((l) => [l.path.slice(music.length + 1), l]));
  }, 180_000);
  afterAll(() => tmp.cleanup());

  it('gives every file of the corpus its documented outcome', () => {
    for (const c of corpus) {
      const line = lines.get(c.rel);
      if (c.outcome === 'skipped') {
        expect(line, c.rel).toBeUndefined();
        const reported = stderr.split('\n').findIndex((l) => l.trim() === join(music, c.rel));
        expect(reported, `${c.rel} in ${stderr}`).toBeGreaterThanOrEqual(0);
        expect(stderr.split('\n')[reported + 1].trim(), c.rel).toMatch(c.reason!);
        continue;
      }
      expect(line, c.rel).toBeDefined();
      if (c.outcome === 'unreadable') {
        expect({ rel: c.rel, status: line!.status, genre: line!.genre }).toEqual({ rel: c.rel, status: 'error', genre: null });
        expect(line!.error, c.rel).toMatch(c.reason!);
      } else {
        expect({ rel: c.rel, status: line!.status }).toEqual({ rel: c.rel, status: 'ok' });
        expect(line!.genre, c.rel).not.toBeNull();
        if (c.outcome === 'ok') expect(line!.warning, c.rel).toBeNull();
        else expect(line!.warning, c.rel).toMatch(c.reason!);
      }
    }
  });
});

describe('a file deleted while classify runs is counted, with the reason, and a name with a newline keeps the table whole', () => {
  const tmp = makeTempDir();
  const music = join(tmp.dir, 'Music');
  const env = { GENRE_TAGGER_HOME: join(tmp.dir, 'home') };
  afterAll(() => tmp.cleanup());

  it('says the file vanished during the job, and prints one row per track', async () => {
    // In path order: the long track is listened to first (one worker), and the victim is deleted meanwhile.
    makeAudioFile(join(music, 'a-long.flac'), { format: 'flac', seconds: 240, channels: 1, sampleRate: 22050, source: 'anoisesrc=color=pink:amplitude=0.3' });
    const victim = makeAudioFile(join(music, 'b-victim.mp3'), { format: 'mp3', seconds: 4, source: 'anoisesrc=color=pink:amplitude=0.3' });
    makeAudioFile(join(music, 'c-two\nlines.mp3'), { format: 'mp3', seconds: 4, source: 'anoisesrc=color=pink:amplitude=0.3' });
    const cli = spawn(process.execPath, [cliPath, 'classify', music, '--db', join(tmp.dir, 'lib.sqlite'), '--workers', '1', '--quiet'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    cli.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    cli.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => cli.once('exit', (code) => r(code)));
    const decoding = (): boolean =>
      processes().some((p) => {
        if (p.name !== 'ffmpeg') return false;
        try {
          return readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').includes(join(music, 'a-long.flac'));
        } catch {
          return false;
        }
      });
    const deadline = Date.now() + 60_000;
    while (!decoding() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 30));
    expect(decoding(), stderr).toBe(true);
    unlinkSync(victim);
    expect(await exited, stderr).toBe(0);
    const rows = stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^GENRE/);
    // a-long, b-victim (+ its reason), c-two\nlines: the name's newline is shown escaped, on the row's one line
    const victimRow = rows.findIndex((l) => l.endsWith(victim));
    expect(rows[victimRow], stdout).toMatch(/\(not classified\)/);
    expect(rows[victimRow + 1].trim()).toBe('The file was deleted or moved while it was being classified (the next scan marks it missing)');
    expect(rows.filter((l) => l.endsWith(join(music, 'c-two\\nlines.mp3')))).toHaveLength(1);
    expect(rows).toHaveLength(5);
    expect(stderr).toMatch(/Listened to 2 of 3 new or changed tracks .*; 1 vanished or removed meanwhile\)/);
  }, 180_000);
});
