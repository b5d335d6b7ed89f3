import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAudioFile } from '../helpers/audio-fixtures.ts';
import { runCli } from '../helpers/run-cli.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

interface Line {
  path: string;
  status: string;
  error: string | null;
  genre: string | null;
  probabilities: Record<string, number> | null;
}

// The models answer anything, silence included (confidently: it resembles nothing they learned), so a silent
// track must get no genre, while a quiet one, or a long one that is silent only in its middle, still gets one.
describe('silent tracks get no genre (the shipped models, real ffmpeg)', () => {
  const tmp = makeTempDir();
  const music = join(tmp.dir, 'Music');
  const env = { GENRE_TAGGER_HOME: join(tmp.dir, 'home') };
  let lines: Map<string, Line>;

  beforeAll(async () => {
    mkdirSync(music, { recursive: true });
    makeAudioFile(join(music, 'digital-silence.mp3'), { format: 'mp3', seconds: 20, source: 'anullsrc=r=44100:cl=stereo' });
    makeAudioFile(join(music, 'hiss-at-minus-90-dB.flac'), { format: 'flac', seconds: 12, source: 'anoisesrc=color=white:amplitude=0.00003' });
    makeAudioFile(join(music, 'quiet-tone-minus-60-dB.flac'), { format: 'flac', seconds: 12, source: 'aevalsrc=0.001*sin(2*PI*440*t):s=44100' });
    // 70 s of silence, then 8 s of noise: the clip (the middle 60 s) is silent, one segment at the end is not.
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'anullsrc=r=22050:cl=mono:d=70', '-f', 'lavfi', '-i', 'anoisesrc=color=pink:amplitude=0.3:r=22050:d=8',
      '-filter_complex', '[0][1]concat=n=2:v=0:a=1', '-c:a', 'flac', join(music, 'hidden-track.flac')]);
    const r = await runCli(['classify', music, '--db', join(tmp.dir, 'lib.sqlite'), '--json'], { env });
    expect(r.code, r.stderr).toBe(0);
    lines = new Map(r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Line).map((l) => [l.path.slice(music.length + 1), l]));
  });
  afterAll(() => tmp.cleanup());

  it('digital silence and hiss far below hearing are listed with the reason, with no probabilities', () => {
    for (const name of ['digital-silence.mp3', 'hiss-at-minus-90-dB.flac']) {
      const l = lines.get(name)!;
      expect(l).toMatchObject({ status: 'error', genre: null, probabilities: null });
      expect(l.error).toMatch(/^The track is silent \(loudest 3 s stretch: (digital silence|-\d+ dBFS) RMS\)/);
    }
    // The hiss is not digital silence: its level is reported, and it is below the -80 dBFS threshold.
    const level = Number(/(-\d+) dBFS/.exec(lines.get('hiss-at-minus-90-dB.flac')!.error!)?.[1]);
    expect(level).toBeLessThan(-80);
    expect(level).toBeGreaterThan(-120);
  });

  it('a quiet tone and a track that is silent only in its middle minute are classified', () => {
    for (const name of ['quiet-tone-minus-60-dB.flac', 'hidden-track.flac']) {
      const l = lines.get(name)!;
      expect(l.status, `${name}: ${l.error}`).toBe('ok');
      expect(Object.values(l.probabilities!).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    }
  });
});
