import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type FixtureFormat = 'mp3' | 'flac' | 'ogg' | 'opus' | 'm4a' | 'alac' | 'wav' | 'aiff' | 'wma';

/** ffmpeg codec and container options per format; the container is explicit so any file name works. */
export const encoderArgs: Record<FixtureFormat, string[]> = {
  mp3: ['-c:a', 'libmp3lame', '-b:a', '128k', '-id3v2_version', '4', '-f', 'mp3'],
  flac: ['-c:a', 'flac', '-f', 'flac'],
  ogg: ['-c:a', 'libvorbis', '-q:a', '3', '-f', 'ogg'],
  opus: ['-c:a', 'libopus', '-b:a', '64k', '-f', 'opus'],
  m4a: ['-c:a', 'aac', '-b:a', '128k', '-f', 'ipod'],
  alac: ['-c:a', 'alac', '-f', 'ipod'],
  wav: ['-c:a', 'pcm_s16le', '-f', 'wav'],
  aiff: ['-c:a', 'pcm_s16be', '-write_id3v2', '1', '-f', 'aiff'],
  wma: ['-c:a', 'wmav2', '-b:a', '128k', '-f', 'asf'],
};

export interface FixtureOptions {
  format: FixtureFormat;
  seconds?: number;
  /** lavfi source; default a 440 Hz sine. E.g. 'anoisesrc=color=pink:amplitude=0.3'. */
  source?: string;
  sampleRate?: number;
  channels?: 1 | 2;
  tags?: Record<string, string>;
}

/** Writes a real audio file with ffmpeg: a generated signal, encoded as asked, with the given tags. */
export function makeAudioFile(path: string, options: FixtureOptions): string {
  mkdirSync(dirname(path), { recursive: true });
  const seconds = options.seconds ?? 2;
  const source = options.source ?? 'sine=frequency=440';
  const args = ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `${source}:duration=${seconds}`];
  // Opus encodes at 48 kHz only.
  const rate = options.sampleRate ?? (options.format === 'opus' ? 48000 : 44100);
  args.push('-ar', String(rate), '-ac', String(options.channels ?? 2));
  for (const [k, v] of Object.entries(options.tags ?? {})) args.push('-metadata', `${k}=${v}`);
  args.push(...encoderArgs[options.format], path);
  execFileSync('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  return path;
}
