import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { makeAudioFile } from './audio-fixtures.ts';
import type { FixtureOptions } from './audio-fixtures.ts';

/**
 * A FLAC file whose header is intact (the tag scan reads its format and duration) but whose audio frames after
 * the first `keepBytes` bytes are replaced by noise of the same length: only decoding finds out.
 */
export function makeCorruptFlac(path: string, seconds = 4, keepBytes = 4096): string {
  makeAudioFile(path, { format: 'flac', seconds });
  const bytes = readFileSync(path);
  let state = 12345;
  for (let i = keepBytes; i < bytes.length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    bytes[i] = state >>> 24;
  }
  writeFileSync(path, bytes);
  return path;
}

/** Overwrites `share` of the file's bytes, starting at `from` (a fraction of its length), with seeded noise. */
function damage(path: string, from: number, share: number, seed = 1): void {
  const bytes = readFileSync(path);
  const start = Math.floor(bytes.length * from);
  const end = start + Math.floor(bytes.length * share);
  let state = seed;
  for (let i = start; i < end; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    bytes[i] = state >>> 24;
  }
  writeFileSync(path, bytes);
}

/**
 * A WAV as ffmpeg writes it to a pipe (`ffmpeg … -f wav pipe:` saved to a file): RIFF and data sizes are the
 * placeholder 0xFFFFFFFF, and ffmpeg notes "Packet corrupt" for its last packet. A whole, valid file.
 */
export function makeStreamedWav(path: string, seconds = 6): string {
  const bytes = execFileSync('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `anoisesrc=color=pink:amplitude=0.3:duration=${seconds}`,
    '-ar', '44100', '-ac', '2', '-c:a', 'pcm_s16le', '-f', 'wav', 'pipe:',
  ], { maxBuffer: 1 << 30 });
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
  return path;
}

/** An MP3 whose frames from 45% to 59% of its bytes are noise: ffmpeg skips them, about 86% of it decodes. */
export function makePartlyCorruptMp3(path: string, seconds = 10): string {
  makeAudioFile(path, { format: 'mp3', seconds, source: 'anoisesrc=color=pink:amplitude=0.3' });
  damage(path, 0.45, 0.14);
  return path;
}

/** An MP3 whose second half is noise: too little decodes to classify it. */
export function makeMostlyCorruptMp3(path: string, seconds = 10): string {
  makeAudioFile(path, { format: 'mp3', seconds, source: 'anoisesrc=color=pink:amplitude=0.3' });
  damage(path, 0.2, 0.75);
  return path;
}

/** The first `share` of a whole file (a download that stopped). */
export function makeCutFile(path: string, options: FixtureOptions, share: number): string {
  makeAudioFile(path, options);
  const bytes = readFileSync(path);
  writeFileSync(path, bytes.subarray(0, Math.floor(bytes.length * share)));
  return path;
}

/** What classify makes of one file of the bad-file corpus. */
export interface ExpectedOutcome {
  rel: string;
  /** ok: a genre; warning: a genre and a warning; unreadable: listed with the reason; skipped: reported by the scan. */
  outcome: 'ok' | 'warning' | 'unreadable' | 'skipped';
  /** Matches the reason (unreadable, skipped) or the warning. */
  reason?: RegExp;
}

/**
 * The audit's corpus of bad files, each with what classify must make of it (README: "Files that decode only in
 * part", "Minimum length"): a streamed WAV (whole), an MP3 with a few damaged frames and one cut at 80%,
 * a FLAC cut at 60% inside a frame (classified with a warning and the decoded share), an Opus file cut at 60% (a warning, no share: Ogg announces no
 * length) beside a whole Ogg Vorbis file, two MP4 files cut at 60% (index first: a warning; index last: unreadable), files under the threshold (unreadable with the true
 * cause), a file under the minimum length, an empty and a non-audio file, and a named pipe named like audio.
 */
export function buildBadFileCorpus(root: string): ExpectedOutcome[] {
  const out: ExpectedOutcome[] = [];
  makeStreamedWav(join(root, 'streamed.wav'));
  out.push({ rel: 'streamed.wav', outcome: 'ok' });
  makePartlyCorruptMp3(join(root, 'partly-corrupt.mp3'));
  out.push({ rel: 'partly-corrupt.mp3', outcome: 'warning', reason: /^Part of the audio is damaged \(ffmpeg could not decode \d+ parts?: "Header missing"\); (8[0-9]|9[0-4])% decoded \(\d+\.\d s of 10\.0 s\)/ });
  makeMostlyCorruptMp3(join(root, 'mostly-corrupt.mp3'));
  out.push({ rel: 'mostly-corrupt.mp3', outcome: 'unreadable', reason: /damaged.*only \d+\.\d s could be decoded \(\d+%, under the 50% needed/ });
  makeCutFile(join(root, 'cut-at-80.mp3'), { format: 'mp3', seconds: 10, source: 'anoisesrc=color=pink:amplitude=0.3' }, 0.8);
  out.push({ rel: 'cut-at-80.mp3', outcome: 'warning', reason: /^The file looks truncated; (79|8[0-2])% decoded/ });
  // A FLAC file cut inside a frame: ffmpeg fails to decode that last frame, and the file is truncated, not damaged
  makeCutFile(join(root, 'cut-at-60.flac'), { format: 'flac', seconds: 10, source: 'anoisesrc=color=pink:amplitude=0.3' }, 0.6);
  out.push({ rel: 'cut-at-60.flac', outcome: 'warning', reason: /^The file looks truncated; (5[5-9]|6[0-4])% decoded \(\d\.\d s of 10\.0 s\), classified from what decodes$/ });
  makeCutFile(join(root, 'cut-at-20.wav'), { format: 'wav', seconds: 10, source: 'anoisesrc=color=pink:amplitude=0.3' }, 0.2);
  out.push({ rel: 'cut-at-20.wav', outcome: 'unreadable', reason: /^Truncated: the WAV header declares .*, but the file holds only / });
  makeCutFile(join(root, 'cut-at-80.wav'), { format: 'wav', seconds: 10, source: 'anoisesrc=color=pink:amplitude=0.3' }, 0.8);
  out.push({ rel: 'cut-at-80.wav', outcome: 'warning', reason: /^The file looks truncated; (79|80)% decoded \(8\.0 s of 10\.0 s\), classified from what decodes$/ });
  // An Ogg file announces no length: a cut one is told by its stream's missing end, and how much of it is there is unknown.
  makeCutFile(join(root, 'cut-at-60.opus'), { format: 'opus', seconds: 10, source: 'anoisesrc=color=pink:amplitude=0.3' }, 0.6);
  out.push({ rel: 'cut-at-60.opus', outcome: 'warning', reason: /^The file looks truncated; [5-6]\.\d s decoded, classified from what decodes$/ });
  // An MP4 cut short: with its index (moov) before the audio, as written for streaming, what is there decodes;
  // with the index at the end, as ffmpeg and many encoders write it, nothing can be read.
  const m4a = makeAudioFile(join(root, 'plain.tmp'), { format: 'm4a', seconds: 10, source: 'anoisesrc=color=pink:amplitude=0.3' });
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', m4a, '-c', 'copy', '-movflags', '+faststart', '-f', 'ipod', join(root, 'streaming.tmp')]);
  for (const [from, to] of [['plain.tmp', 'cut-at-60.m4a'], ['streaming.tmp', 'cut-at-60-streaming.m4a']]) {
    const bytes = readFileSync(join(root, from));
    writeFileSync(join(root, to), bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    unlinkSync(join(root, from));
  }
  out.push({ rel: 'cut-at-60.m4a', outcome: 'unreadable', reason: /^Truncated: the file ends before its MP4 index \(the moov box, which describes its audio\), so none of it can be read$/ });
  out.push({ rel: 'cut-at-60-streaming.m4a', outcome: 'warning', reason: /^The file looks truncated; (5[5-9]|6[0-2])% decoded \(\d\.\d s of 10\.0 s\), classified from what decodes$/ });
  makeAudioFile(join(root, 'whole.ogg'), { format: 'ogg', seconds: 6, source: 'anoisesrc=color=pink:amplitude=0.3' });
  out.push({ rel: 'whole.ogg', outcome: 'ok' });
  makeAudioFile(join(root, 'click.flac'), { format: 'flac', seconds: 0.05, source: 'anoisesrc=color=white:amplitude=0.5' });
  out.push({ rel: 'click.flac', outcome: 'unreadable', reason: /^Too short to classify: 0\.05 s of audio \(at least 0\.5 s is needed\)$/ });
  writeFileSync(join(root, 'empty.mp3'), '');
  out.push({ rel: 'empty.mp3', outcome: 'unreadable', reason: /empty/i });
  writeFileSync(join(root, 'notes.mp3'), 'These are liner notes, not audio.\n'.repeat(20));
  out.push({ rel: 'notes.mp3', outcome: 'unreadable', reason: /not an audio file/i });
  execFileSync('mkfifo', [join(root, 'pipe.mp3')]);
  out.push({ rel: 'pipe.mp3', outcome: 'skipped', reason: /^Not a regular file: a named pipe \(FIFO\)/ });
  return out;
}
