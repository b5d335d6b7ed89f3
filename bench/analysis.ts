// npm run bench:analysis — speed of the analysis engine against decoding alone, measured in one run.
// 1. A 4-minute 44.1 kHz stereo MP3 (generated here with ffmpeg): decode-only (ffmpeg -> f32 mono 22050 Hz,
//    chunks consumed and dropped) vs the whole analysis (clip features + every 3 s segment's features, CNN
//    input and MLFI input), with the time per stage. The analysis runs on one thread while ffmpeg decodes in
//    its own process; its CPU time is printed too (on a loaded machine the wall-clock ratio mostly measures
//    how long ffmpeg waits for a core).
// 2. Peak RSS of analysing a 2-hour file in a child process (segments streamed, not kept).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeAudioChunks } from '../src/main/core/audio/decode-audio.ts';
import { analyzeTrack } from '../src/main/core/features/analyze-track.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const dir = join(here, '.tmp', `analysis-${process.pid}`);
mkdirSync(dir, { recursive: true });

function ffmpeg(args: string[]): void {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
}

// Something music-like: a chord that changes every 2 s, a kick-like click every 0.5 s and pink noise.
const music =
  "aevalsrc='0.15*sin(2*PI*(220+55*floor(mod(t/2,4)))*t)+0.1*sin(2*PI*330*t)" +
  "+0.5*exp(-30*mod(t,0.5))*sin(2*PI*60*t)|0.15*sin(2*PI*(220+55*floor(mod(t/2,4)))*t)+0.1*sin(2*PI*440*t)" +
  "+0.5*exp(-30*mod(t,0.5))*sin(2*PI*60*t)':s=44100";

async function decodeOnly(path: string): Promise<number> {
  const t0 = performance.now();
  let n = 0;
  for await (const c of decodeAudioChunks(path)) n += c.length;
  if (n === 0) throw new Error('nothing decoded');
  return performance.now() - t0;
}

async function main(): Promise<void> {
  if (process.argv[2] === '--rss-child') {
    const path = process.argv[3];
    const t0 = performance.now();
    let segments = 0;
    const a = await analyzeTrack(path, { keepSegments: false, onSegment: () => segments++ });
    const ms = performance.now() - t0;
    process.stdout.write(JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS, segments, seconds: a.durationSeconds, ms }));
    return;
  }
  const mp3 = join(dir, 'four-minutes.mp3');
  ffmpeg(['-f', 'lavfi', '-i', music, '-f', 'lavfi', '-i', 'anoisesrc=color=pink:amplitude=0.05:r=44100', '-filter_complex',
    '[0][1]amix=inputs=2:normalize=0', '-t', '240', '-ar', '44100', '-ac', '2', '-c:a', 'libmp3lame', '-b:a', '192k', mp3]);

  // Warm up (JIT, WASM, ffmpeg's page cache), then alternate decode-only and full runs; keep the best of each.
  await decodeOnly(mp3);
  await analyzeTrack(join(dir, 'four-minutes.mp3'), { keepSegments: false });
  let decodeMs = Infinity;
  let fullMs = Infinity;
  let cpuMs = Infinity;
  let times: Record<string, number> = {};
  let segments = 0;
  for (let i = 0; i < 5; i++) {
    decodeMs = Math.min(decodeMs, await decodeOnly(mp3));
    const t: Record<string, number> = {};
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const a = await analyzeTrack(mp3, { keepSegments: false, times: t });
    const ms = performance.now() - t0;
    const c = process.cpuUsage(c0);
    cpuMs = Math.min(cpuMs, (c.user + c.system) / 1000);
    if (ms < fullMs) {
      fullMs = ms;
      times = t;
      segments = a.segmentCount;
    }
  }
  console.log('4-minute 44.1 kHz stereo MP3 (192 kbps)');
  console.log(`  decode only (ffmpeg -> f32 22050 Hz mono):          ${(decodeMs / 1000).toFixed(3)} s`);
  console.log(`  decode + clip features + ${segments} segments (57 features, CNN 64x256, MLFI 128x130 each): ${(fullMs / 1000).toFixed(3)} s`);
  console.log(`  ratio full / decode-only: ${(fullMs / decodeMs).toFixed(2)}x (goal <= 1.5x)`);
  console.log(`  analysis thread CPU time (best of 5): ${(cpuMs / 1000).toFixed(3)} s = ${(cpuMs / decodeMs).toFixed(2)}x decode-only`);
  console.log('  stages (ms, wall; decode = waiting for ffmpeg, which runs in parallel with the DSP):');
  for (const [k, v] of Object.entries(times).sort((a, b) => b[1] - a[1])) console.log(`    ${k.padEnd(20)} ${v.toFixed(0).padStart(7)}`);

  if (process.argv.includes('--no-long')) return;
  const long = join(dir, 'two-hours.mp3');
  const g0 = performance.now();
  // A cheap source for the long file (aevalsrc takes minutes for 2 hours): a tone over pink noise, 16 kbps.
  ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=220:sample_rate=22050', '-f', 'lavfi', '-i', 'anoisesrc=color=pink:amplitude=0.1:r=22050',
    '-filter_complex', '[0][1]amix=inputs=2', '-t', '7200', '-ac', '1', '-c:a', 'libmp3lame', '-b:a', '16k', long]);
  console.log(`\n2-hour file generated in ${((performance.now() - g0) / 1000).toFixed(0)} s; analysing it in a child process…`);
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--rss-child', long], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (child.status !== 0) throw new Error(child.stderr);
  const r = JSON.parse(child.stdout) as { maxRssKb: number; segments: number; seconds: number; ms: number };
  console.log(`  2-hour file: ${r.segments} segments in ${(r.ms / 1000).toFixed(0)} s; peak RSS ${(r.maxRssKb / 1024).toFixed(0)} MB ` +
    `(the decoded signal alone would be ${((r.seconds * 22050 * 4) / 2 ** 20).toFixed(0)} MB)`);
}

try {
  await main();
} finally {
  if (process.argv[2] !== '--rss-child') rmSync(dir, { recursive: true, force: true });
}
