import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTrackMetadata } from '../../src/main/core/scan/read-track-metadata.ts';
import { runCli } from '../helpers/run-cli.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

/** Bare AC-3, E-AC-3 and DTS streams, made by ffmpeg's encoders, against what ffprobe reads from them. */
const streams = [
  { file: 'stereo-44k.ac3', args: ['-ar', '44100', '-ac', '2', '-b:a', '192k', '-c:a', 'ac3'] },
  { file: 'surround-48k.ac3', args: ['-ar', '48000', '-ac', '6', '-c:a', 'ac3'] },
  { file: 'surround-44k.eac3', args: ['-ar', '44100', '-ac', '6', '-c:a', 'eac3'] },
  { file: 'surround-48k.dts', args: ['-ar', '48000', '-ac', '6', '-c:a', 'dca', '-strict', '-2'] },
  { file: 'stereo-44k.dts', args: ['-ar', '44100', '-ac', '2', '-c:a', 'dca', '-strict', '-2'] },
];

function ffprobe(path: string): { codec: string; sampleRate: number; channels: number; durationS: number } {
  const out = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name,sample_rate,channels:format=duration', '-of', 'json', path]).toString();
  const j = JSON.parse(out) as { streams: { codec_name: string; sample_rate: string; channels: number }[]; format: { duration: string } };
  return { codec: j.streams[0].codec_name, sampleRate: Number(j.streams[0].sample_rate), channels: j.streams[0].channels, durationS: Number(j.format.duration) };
}

describe('bare Dolby and DTS streams (.ac3, .eac3, .dts): no container, no tags, read from their frame headers', () => {
  const tmp = makeTempDir();
  const music = join(tmp.dir, 'Music');

  beforeAll(() => {
    mkdirSync(music, { recursive: true });
    for (const s of streams) {
      execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'anoisesrc=color=pink:amplitude=0.3:duration=8', ...s.args, join(music, s.file)]);
    }
  });
  afterAll(() => tmp.cleanup());

  it('reads the format, sample rate, channels and duration that ffprobe reads', async () => {
    for (const s of streams) {
      const path = join(music, s.file);
      const meta = await readTrackMetadata(path, statSync(path).size);
      const probe = ffprobe(path);
      expect({ file: s.file, format: meta.format, sampleRate: meta.sampleRate, channels: meta.channels }).toEqual({
        file: s.file, format: probe.codec, sampleRate: probe.sampleRate, channels: probe.channels,
      });
      expect(Math.abs(meta.durationS! - probe.durationS) / probe.durationS, s.file).toBeLessThan(0.01);
      expect(meta.genres).toEqual([]);
    }
  });

  it('still calls a file that only bears the extension what it is', async () => {
    const fake = join(tmp.dir, 'notes.dts');
    writeFileSync(fake, 'not a DTS stream, just text\n'.repeat(20));
    await expect(readTrackMetadata(fake, statSync(fake).size)).rejects.toThrow(/^Not an audio file/);
  });

  it('are scanned and classified like any track', async () => {
    const r = await runCli(['classify', music, '--db', join(tmp.dir, 'lib.sqlite'), '--json'], { env: { GENRE_TAGGER_HOME: join(tmp.dir, 'home') } });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { path: string; status: string; genre: string | null; error: string | null });
    expect(lines.map((l) => l.path).sort()).toEqual(streams.map((s) => join(music, s.file)).sort());
    for (const l of lines) expect({ path: l.path, status: l.status, error: l.error, hasGenre: l.genre !== null }).toEqual({ path: l.path, status: 'ok', error: null, hasGenre: true });
  });
});
