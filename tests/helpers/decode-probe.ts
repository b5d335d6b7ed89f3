// Run as its own process (node tests/helpers/decode-probe.ts MODE FILE [BUNDLE]): decodes FILE with
// decodeAudioChunks and prints one JSON line saying what it got and which process started ffmpeg. The ffmpeg
// reader keeps its state per thread for the thread's life, so each launcher setting (GENRE_TAGGER_FFMPEG_LAUNCHER)
// needs a process. MODE 'decode': the whole file; MODE 'slow': the whole file, taking 20 ms over each chunk (ffmpeg
// runs ahead until every block of the reader is out, and waits); MODE 'cancel': abort after two chunks and wait for
// ffmpeg to be gone. BUNDLE: run the reader thread and the launcher from the electron-vite bundle in that folder (out/main).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { decodeAudioChunks } from '../../src/main/core/audio/decode-audio.ts';
import { setBundledEntryDir } from '../../src/main/core/runtime/entry-file-url.ts';
import { isRunning, processes } from './child-processes.ts';

const [mode, file, bundle] = process.argv.slice(2);
if (bundle) setBundledEntryDir(bundle);
const hash = createHash('sha256');
let samples = 0;
let chunks = 0;
let seen: { ffmpegParents: string[]; ffmpegPids: number[]; launcherPids: number[]; launcherArgs: string[][] } | null = null;
const controller = new AbortController();
let error: string | null = null;
try {
  for await (const chunk of decodeAudioChunks(file, { signal: controller.signal })) {
    if (!seen) {
      const all = processes();
      const byPid = new Map(all.map((p) => [p.pid, p]));
      // this process's child below which an ffmpeg runs (itself when ffmpeg is its own child): the launcher shell
      // starts each ffmpeg from a small monitor shell of its own
      const childAbove = (pid: number): number | null => {
        for (let p = byPid.get(pid), depth = 0; p && depth < 4; p = byPid.get(p.ppid), depth++) if (p.ppid === process.pid) return p.pid;
        return null;
      };
      const mine = all.filter((p) => p.name === 'ffmpeg' && childAbove(p.pid) !== null);
      const launcherPids = [...new Set(mine.filter((p) => p.ppid !== process.pid).map((p) => childAbove(p.pid)!))];
      seen = {
        ffmpegParents: mine.map((p) => (p.ppid === process.pid ? 'this process' : `below child ${byPid.get(childAbove(p.pid)!)?.name}`)),
        ffmpegPids: mine.map((p) => p.pid),
        launcherPids,
        launcherArgs: launcherPids.map((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean)),
      };
    }
    hash.update(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    samples += chunk.length;
    if (++chunks === 2 && mode === 'cancel') controller.abort();
    if (mode === 'slow') await new Promise((r) => setTimeout(r, 20));
  }
} catch (e) {
  error = (e as { code?: string }).code ?? String(e);
}
let ffmpegGone = true;
if (mode === 'cancel') {
  const deadline = Date.now() + 5000;
  while (seen!.ffmpegPids.some(isRunning) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  ffmpegGone = !seen!.ffmpegPids.some(isRunning);
}
process.stdout.write(`${JSON.stringify({ samples, sha256: hash.digest('hex'), error, ffmpegGone, ...seen })}\n`);
