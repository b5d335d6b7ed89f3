// npm run bench:classify — the whole classification pipeline against ffmpeg alone, measured in one run.
// 1. Generated 4-minute 44.1 kHz stereo MP3s: ffmpeg alone (`ffmpeg -i F -ac 1 -ar 22050 -f f32le /dev/null`, the
//    floor: nothing can listen faster than ffmpeg decodes) with 2 processes at once, vs the real classification job
//    (scan, then the job: the default pool of analysis and inference workers, every active model, results written to SQLite), for the shipped
//    models (CNN, MLFI, SVM, ensemble) and for the shipped SVM alone; the app's next run, whose workers the app
//    kept from the classification before (of 2 other files, untimed); and `genre-tagger classify` as a person runs
//    it, a fresh process from start to exit (its scan of the folder included), as issue 18 measured it. The job's threads and ffmpeg's launcher run
//    from the build (made first if not current), as the app and the built CLI run them; the shipped models once
//    more from source, as the CLI runs them without a build. The project's own decoding path (ffmpeg's downmix to
//    the mean and soxr, the reader thread; chunks dropped) is printed beside it.
// 2. Inference alone, per model and runtime: segments (or SVM windows) per second on real inputs of one track.
// Wall-clock ratios depend on what else shares the cores; the CPU time of each (this process's threads, the
// ffmpeg launchers and every ffmpeg, Linux: bench/process-cpu.ts) is printed beside them and does not.
// 3. The floor the segment models set: their inference alone on one track against decoding that track.
// BENCH_FILES (default "4,12") sets the library sizes, BENCH_SECONDS (default 240) the files' length, BENCH_ROUNDS
// (default 9) how many rounds of every run; ratios are taken within a round, their median printed. Two sizes
// separate what a job costs once (starting its workers: modules, onnxruntime sessions, WASM) from what each
// further track costs: the marginal ratio (T12 - T4) / (D12 - D4) is the one a 10,000-track library sees.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, linkSync, mkdirSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClassifySummary } from '../src/shared/api/predictions.ts';
import { activeModels } from '../src/main/core/classify/active-models.ts';
import type { ActiveModel } from '../src/main/core/classify/active-models.ts';
import { modelInputSources, copySegmentInput } from '../src/main/core/models/inference/model-input-sources.ts';
import { modelKind } from '../src/main/core/models/kinds/registry.ts';
import { windowFeatures, windowPlan } from '../src/main/core/models/svm/svm-window-features.ts';
import { decodeAudioChunks } from '../src/main/core/audio/decode-audio.ts';
import { analyzeTrack, gtzanFeatureNames } from '../src/main/core/features/index.ts';
import type { SegmentAnalysis } from '../src/main/core/features/index.ts';
import { selectFeatureColumns } from '../src/main/core/models/feature-columns.ts';
import { openSegmentClassifier } from '../src/main/core/models/segment-classifier.ts';
import { loadSvmModel } from '../src/main/core/models/store/load-svm-model.ts';
import { ModelStore } from '../src/main/core/models/store/model-store.ts';
import { setShippedModelsDir, userModelsDir } from '../src/main/core/models/store/shipped-models-dir.ts';
import { predictSvmPipeline } from '../src/main/core/models/svm/svm-pipeline.ts';
import { currentBundleDir } from '../src/main/core/runtime/current-bundle.ts';
import { setBundledEntryDir } from '../src/main/core/runtime/entry-file-url.ts';
import { createAppContext, KEEP_WORKERS_MS } from '../src/main/services/app-context.ts';
import { addRoot, startScan } from '../src/main/services/library.ts';
import { startClassification } from '../src/main/services/predictions.ts';
import { projectRoot } from '../src/main/project-root.ts';
import { rate } from './bench-models.ts';
import { treeCpuMs } from './process-cpu.ts';
import { finishedResult } from '../tests/helpers/job-result.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const dir = join(here, '.tmp', `classify-${process.pid}`);
const sizes = (process.env.BENCH_FILES ?? '4,12').split(',').map(Number).sort((a, b) => a - b);
const files = sizes[sizes.length - 1];
const seconds = Number(process.env.BENCH_SECONDS ?? 240);
/** ffmpeg processes at once for ffmpeg alone and the decoding path: one per core of the 2-core benchmark machine. */
const workers = 2;

function ffmpeg(args: string[]): void {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
}

// Something music-like (as bench/analysis.ts): a chord changing every 2 s, a kick every 0.5 s, pink noise.
const music =
  "aevalsrc='0.15*sin(2*PI*(220+55*floor(mod(t/2,4)))*t)+0.1*sin(2*PI*330*t)" +
  "+0.5*exp(-30*mod(t,0.5))*sin(2*PI*60*t)|0.15*sin(2*PI*(220+55*floor(mod(t/2,4)))*t)+0.1*sin(2*PI*440*t)" +
  "+0.5*exp(-30*mod(t,0.5))*sin(2*PI*60*t)':s=44100";

function cpuSince(start: number): number {
  return treeCpuMs() - start;
}

/** ffmpeg alone, as the goals are stated: `ffmpeg -i F -ac 1 -ar 22050 -f f32le /dev/null`, `parallel` at once. */
async function ffmpegAlone(paths: string[], parallel: number): Promise<{ ms: number; cpuMs: number }> {
  const t0 = performance.now();
  const cpu0 = treeCpuMs();
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < paths.length) {
      const path = paths[next++];
      await new Promise<void>((resolve, reject) => {
        const p = spawn('ffmpeg', ['-nostdin', '-v', 'error', '-i', path, '-ac', '1', '-ar', '22050', '-f', 'f32le', '-y', '/dev/null'], { stdio: 'ignore' });
        p.on('error', reject);
        p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited with ${code} on ${path}`))));
      });
    }
  };
  await Promise.all(Array.from({ length: parallel }, lane));
  return { ms: performance.now() - t0, cpuMs: cpuSince(cpu0) };
}

/** The project's decoding path (decodeAudioChunks: ffmpeg's downmix and soxr, the reader thread), chunks dropped. */
async function decodeAll(paths: string[], parallel: number): Promise<{ ms: number; cpuMs: number }> {
  const t0 = performance.now();
  const cpu0 = treeCpuMs();
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < paths.length) {
      let n = 0;
      for await (const c of decodeAudioChunks(paths[next++])) n += c.length;
      if (n === 0) throw new Error('nothing decoded');
    }
  };
  await Promise.all(Array.from({ length: parallel }, lane));
  return { ms: performance.now() - t0, cpuMs: cpuSince(cpu0) };
}

/** The build of the job's entry files (out/main), made now unless it is current. */
function currentBuild(): string {
  if (!currentBundleDir(projectRoot)) {
    const bin = join(projectRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
    const r = spawnSync(process.execPath, [bin, 'build'], { cwd: projectRoot, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`electron-vite build failed:\n${r.stdout}\n${r.stderr}`);
  }
  const dir = currentBundleDir(projectRoot);
  if (!dir) throw new Error('The build does not match the sources even after building');
  return dir;
}

/**
 * The real job: a fresh library, scanned without classifying, then classified by the default pool, its threads
 * and ffmpeg's launchers run from `bundle` (the build) or from source (null).
 */
async function pipeline(
  folder: string,
  dataDir: string,
  shippedDir: string | null,
  bundle: string | null,
  tag: string,
  warmUp: string | null,
): Promise<{ ms: number; cpuMs: number; summary: ClassifySummary }> {
  setShippedModelsDir(shippedDir);
  setBundledEntryDir(bundle);
  const ctx = createAppContext({ shell: 'cli', dbPath: join(dir, `${tag}.sqlite`), dataDir, keepWorkersMs: warmUp ? KEEP_WORKERS_MS : 0 });
  try {
    if (warmUp) {
      // the app's classification before (untimed): its workers are kept for the one measured
      const before = addRoot(ctx, warmUp);
      await ctx.jobs.wait(startScan(ctx, [before.id], { classify: false }).jobId);
      const done = await ctx.jobs.wait(startClassification(ctx, { rootIds: [before.id] })!.id);
      if (done.status !== 'done') throw new Error(`warm-up classification ${done.status}: ${done.error}`);
    }
    const root = addRoot(ctx, folder);
    const scan = await ctx.jobs.wait(startScan(ctx, [root.id], { classify: false }).jobId);
    if (scan.status !== 'done') throw new Error(`scan ${scan.status}: ${scan.error}`);
    const t0 = performance.now();
    const cpu0 = treeCpuMs();
    const job = startClassification(ctx, { rootIds: [root.id] })!;
    const done = await ctx.jobs.wait(job.id);
    const ms = performance.now() - t0;
    if (done.status !== 'done') throw new Error(`classification ${done.status}: ${done.error}`);
    const summary = finishedResult(done, 'classify');
    if (summary.workersReused !== (warmUp !== null)) throw new Error(`the workers were ${summary.workersReused ? '' : 'not '}those of the run before`);
    return { ms, cpuMs: cpuSince(cpu0), summary };
  } finally {
    await ctx.close();
    setShippedModelsDir(null);
    setBundledEntryDir(null);
  }
}

/**
 * `genre-tagger classify` as a person runs it: a fresh process (from the build, as bin/genre-tagger.js runs it while
 * the build is current) that starts, scans the folder into a fresh library, classifies it and exits.
 */
async function cliRun(folder: string, dataDir: string, tag: string): Promise<{ ms: number; cpuMs: number }> {
  const t0 = performance.now();
  const cpu0 = treeCpuMs();
  await new Promise<void>((resolve, reject) => {
    const p = spawn(process.execPath, [join(projectRoot, 'bin', 'genre-tagger.js'), 'classify', folder, '--db', join(dir, `${tag}.sqlite`), '--quiet'], {
      env: { ...process.env, GENRE_TAGGER_HOME: dataDir, GENRE_TAGGER_FROM_SOURCE: undefined },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`genre-tagger classify exited with ${code}`))));
  });
  return { ms: performance.now() - t0, cpuMs: cpuSince(cpu0) };
}

/** Segments per second of one model on the segments of one analysed track, in batches of 8 (the job sends 4 on the CPU, 32 to a GPU). */
async function inferenceRates(
  models: ActiveModel[],
  segments: SegmentAnalysis[],
  all: { starts: number[]; features: Float32Array },
  clip: { startSeconds: number; seconds: number; features: Float32Array },
  duration: number,
): Promise<{ lines: string[]; oneThread: Map<string, number> }> {
  const lines: string[] = [];
  const oneThread = new Map<string, number>();
  const threadsInPool = Math.max(1, Math.floor(availableParallelism() / workers));
  for (const m of models) {
    const role = modelKind(m.kind).role;
    if (role === 'segment') {
      const sources = modelInputSources(m.manifest);
      const batch = 8;
      const inputs = Object.fromEntries(
        sources.map((s) => {
          const data = new Float32Array(batch * s.size);
          for (let i = 0; i < batch; i++) copySegmentInput(segments[i % segments.length], s, data, i * s.size);
          return [s.name, { data, shape: [batch, ...s.shape] }];
        }),
      );
      for (const threads of [...new Set([1, threadsInPool])]) {
        const c = await openSegmentClassifier({ manifest: m.manifest, dir: m.dir, source: 'user', active: true }, { onnx: { threads } });
        const perSecond = batch * (await rate(async () => void (await c.predict(inputs)), 3));
        await c.close();
        if (threads === 1) oneThread.set(m.kind, perSecond);
        lines.push(`  ${m.kind.padEnd(8)} ${m.version.padEnd(22)} onnxruntime, ${threads} thread${threads === 1 ? ' ' : 's'}   ${perSecond.toFixed(0).padStart(6)} segments/s`);
      }
    } else if (role === 'window') {
      const svm = loadSvmModel(m);
      const windows = windowPlan(duration, 30, 15);
      const rows = selectFeatureColumns(windowFeatures(windows, { ...all, seconds: 3 }, clip), gtzanFeatureNames, svm.featureNames);
      const perSecond = windows.length * (await rate(async () => void predictSvmPipeline(svm, rows, windows.length), 2));
      lines.push(`  ${m.kind.padEnd(8)} ${m.version.padEnd(22)} TypeScript SMO model          ${perSecond.toFixed(0).padStart(6)} windows/s (30 s)`);
    }
  }
  return { lines, oneThread };
}

async function main(): Promise<void> {
  mkdirSync(join(dir, 'music'), { recursive: true });
  const g0 = performance.now();
  const first = join(dir, 'music', 'track-0.mp3');
  ffmpeg(['-f', 'lavfi', '-i', music, '-f', 'lavfi', '-i', 'anoisesrc=color=pink:amplitude=0.05:r=44100', '-filter_complex',
    '[0][1]amix=inputs=2:normalize=0', '-t', String(seconds), '-ar', '44100', '-ac', '2', '-c:a', 'libmp3lame', '-b:a', '192k', first]);
  const paths = [first];
  for (let i = 1; i < files; i++) {
    paths.push(join(dir, 'music', `track-${i}.mp3`));
    copyFileSync(first, paths[i]);
  }
  // One folder per library size (hard links to the same files).
  for (const n of sizes) {
    mkdirSync(join(dir, `library-${n}`));
    for (let i = 0; i < n; i++) linkSync(paths[i], join(dir, `library-${n}`, `track-${i}.mp3`));
  }
  process.stderr.write(`${files} x ${seconds} s MP3 ready in ${((performance.now() - g0) / 1000).toFixed(0)} s\n`);

  // The SVM alone: a shipped-models folder holding only the shipped SVM (the workers get it from the job manager).
  const svmOnly = join(dir, 'shipped-svm-only');
  cpSync(join(projectRoot, 'models', 'svm'), join(svmOnly, 'svm'), { recursive: true });
  const dataDir = join(dir, 'data');
  const bundle = currentBuild();
  // The app's run after another (another folder added, a rescan that found new files): the app keeps a
  // classification's workers KEEP_WORKERS_MS for the next one; here the run before classified 2 other files.
  const before = join(dir, 'run-before');
  mkdirSync(before);
  for (let i = 0; i < 2; i++) linkSync(paths[i], join(before, `before-${i}.mp3`));
  const configs = [
    { name: 'shipped models', shippedDir: null, bundle, warmUp: null, cli: false },
    { name: 'shipped models, from source', shippedDir: null, bundle: null, warmUp: null, cli: false },
    { name: 'shipped SVM alone', shippedDir: svmOnly, bundle, warmUp: null, cli: false },
    { name: 'shipped models, the app’s next run (workers kept)', shippedDir: null, bundle, warmUp: before, cli: false },
    // the issue's own measure: the whole command in a fresh process (start, scan, classification, exit)
    { name: 'shipped models, `genre-tagger classify` (a fresh process: start, scan, classification, exit)', shippedDir: null, bundle, warmUp: null, cli: true },
  ];
  const version = execFileSync(process.execPath, [join(projectRoot, 'bin', 'genre-tagger.js'), '--version'], { encoding: 'utf8', env: { ...process.env, GENRE_TAGGER_FROM_SOURCE: undefined } }).trim();
  if (!version.endsWith('(from the build)')) throw new Error(`genre-tagger does not run from the build: ${version}`);

  // Warm up the page cache and ffmpeg, then rounds. In each round every configuration runs its library sizes back to
  // back, each right after ffmpeg alone on the same files: every ratio and every difference is taken between runs a
  // few seconds apart, which see the same machine, and the median over the rounds is printed with its range. This
  // machine's noise (other tenants, frequency changes) moves single runs by 10-20% over minutes; with the sizes of a
  // configuration half a round apart, as before, three runs of the bench over nearly the same code gave fixed costs
  // of 0.58, 1.05 and 1.20 s. The decoding path runs once per round, beside ffmpeg alone.
  type Run = { ms: number; cpuMs: number; summary?: ClassifySummary };
  await decodeAll(paths, workers);
  await ffmpegAlone(paths, workers);
  const runs = new Map<string, Run[]>();
  const record = (key: string, run: Run): void => void (runs.get(key) ?? runs.set(key, []).get(key)!).push(run);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 9);
  for (let r = 0; r < rounds; r++) {
    for (const n of sizes) {
      record(`ffmpeg ${n}`, await ffmpegAlone(paths.slice(0, n), workers));
      record(`decode ${n}`, await decodeAll(paths.slice(0, n), workers));
    }
    for (const c of configs) {
      for (const n of sizes) {
        record(`ffmpeg ${n} beside ${c.name}`, await ffmpegAlone(paths.slice(0, n), workers));
        const tag = `${c.name.replace(/\W+/g, '-')}-${n}-${r}`;
        const run = c.cli ? await cliRun(join(dir, `library-${n}`), dataDir, tag) : await pipeline(join(dir, `library-${n}`), dataDir, c.shippedDir, c.bundle, tag, c.warmUp);
        record(`${c.name} ${n}`, run);
        process.stderr.write(`round ${r + 1}: ${n} files, ${c.name} ${(run.ms / 1000).toFixed(1)} s\n`);
      }
    }
  }
  const median = (xs: number[]): number => {
    const s = [...xs].sort((x, y) => x - y);
    return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  /** The median over the rounds of f(round), with the range: "2.61x (2.50-2.70)". */
  const spread = (f: (r: number) => number, digits: number, unit: string): string => {
    const xs = Array.from({ length: rounds }, (_, r) => f(r));
    const range = rounds > 1 ? ` (${Math.min(...xs).toFixed(digits)}-${Math.max(...xs).toFixed(digits)})` : '';
    return `${median(xs).toFixed(digits)}${unit}${range}`;
  };
  const at = (key: string, r: number): Run => runs.get(key)![r];
  /** The fixed cost from the median times of the two sizes' runs: T(a) - a (T(b) - T(a)) / (b - a). */
  const fixedFromMedians = (pa: string, pb: string): number => {
    const [a, b] = [sizes[0], sizes[sizes.length - 1]];
    const [ta, tb] = [median(runs.get(pa)!.map((x) => x.ms)), median(runs.get(pb)!.map((x) => x.ms))];
    return ta - (a * (tb - ta)) / (b - a);
  };

  const out: string[] = [];
  out.push(
    `Classification pipeline, generated ${seconds / 60}-minute MP3s (44.1 kHz stereo, 192 kbps); ${availableParallelism()} cores; ` +
      `median of ${rounds} rounds (range in brackets), each ratio taken within a round. The job's threads run from the build ` +
      `(as the app and the CLI after npm run build run them) unless "from source" says so (the CLI without a build)`,
  );
  for (const n of sizes) {
    const f = `ffmpeg ${n}`;
    const d = `decode ${n}`;
    out.push(
      `  ${n} files: ffmpeg alone, ${workers} processes at once: ${spread((r) => at(f, r).ms / 1000, 2, ' s')}; CPU ${spread((r) => at(f, r).cpuMs / 1000, 1, ' s')}. ` +
        `The project's decoding path: ${spread((r) => at(d, r).ms / at(f, r).ms, 2, 'x')} (CPU ${spread((r) => at(d, r).cpuMs / at(f, r).cpuMs, 2, 'x')})`,
    );
    for (const c of configs) {
      const p = `${c.name} ${n}`;
      const beside = `ffmpeg ${n} beside ${c.name}`;
      // the CLI's run reports no summary: its files and models are those of the first configuration
      const summary = at(p, 0).summary ?? at(`${configs[0].name} ${n}`, 0).summary;
      const kinds = summary!.models.map((m) => m.kind).join(' + ');
      out.push(
        `    pipeline, ${summary!.workers} analysis worker${summary!.workers === 1 ? '' : 's'}, ${c.name} (${kinds}): ${spread((r) => at(p, r).ms / 1000, 2, ' s')} = ` +
          `${spread((r) => at(p, r).ms / at(beside, r).ms, 2, 'x')} ffmpeg alone; ${summary!.segments} segments, ` +
          `${spread((r) => summary!.audioSeconds / (at(p, r).ms / 1000), 0, '')} s of audio per s; ` +
          `CPU ${spread((r) => at(p, r).cpuMs / at(beside, r).cpuMs, 1, 'x')} ffmpeg alone's CPU`,
      );
    }
  }
  if (sizes.length > 1) {
    const [a, b] = [sizes[0], sizes[sizes.length - 1]];
    out.push(`  Each further track (from ${a} to ${b} files), what a large library sees (goal <= 3.0x ffmpeg alone), and the fixed cost of a run (goal <= 1.0 s):`);
    for (const c of configs) {
      const [pa, pb] = [`${c.name} ${a}`, `${c.name} ${b}`];
      const [fa, fb] = [`ffmpeg ${a} beside ${c.name}`, `ffmpeg ${b} beside ${c.name}`];
      const perTrack = (r: number): number => (at(pb, r).ms - at(pa, r).ms) / (b - a);
      const perTrackCpu = (r: number): number => (at(pb, r).cpuMs - at(pa, r).cpuMs) / (b - a);
      // The fixed cost in CPU time too (the same two sizes): where every core is busy, only less CPU lowers it
      out.push(
        `    ${c.name}: ${spread((r) => perTrack(r) / 1000, 2, ' s')} per track = ` +
          `${spread((r) => (at(pb, r).ms - at(pa, r).ms) / (at(fb, r).ms - at(fa, r).ms), 2, 'x')} ffmpeg alone's ` +
          `(CPU ${spread((r) => (at(pb, r).cpuMs - at(pa, r).cpuMs) / (at(fb, r).cpuMs - at(fa, r).cpuMs), 2, 'x')}); ` +
          `fixed cost ${spread((r) => (at(pa, r).ms - a * perTrack(r)) / 1000, 2, ' s')} ` +
          `(CPU ${spread((r) => (at(pa, r).cpuMs - a * perTrackCpu(r)) / 1000, 2, ' s')}); ` +
          // the same two sizes, from the median times of each: one slow run of either size moves the per-round
          // figure by up to 1.5 times its delay, the medians hardly
          `from the sizes' median times ${(fixedFromMedians(pa, pb) / 1000).toFixed(2)} s`,
      );
    }
  }

  // Where the time goes: one file through the analysis engine alone (one thread), with what each set of models
  // needs from it, against decoding the same file.
  const timed = async (f: () => Promise<unknown>): Promise<{ ms: number; cpu: number }> => {
    const t0 = performance.now();
    const c0 = treeCpuMs();
    await f();
    return { ms: performance.now() - t0, cpu: cpuSince(c0) };
  };
  const oneDecode = await timed(() => decodeAll([first], 1));
  const engine = (needs: { features: boolean; cnn: boolean; mlfi: boolean }) => timed(() => analyzeTrack(first, { keepSegments: false, segments: needs }));
  await engine({ features: true, cnn: true, mlfi: true }); // warm-up: this thread has not run the engine yet
  const svmNeeds = await engine({ features: true, cnn: false, mlfi: false });
  const allNeeds = await engine({ features: true, cnn: true, mlfi: true });
  const show = (x: { ms: number; cpu: number }): string =>
    `${(x.ms / 1000).toFixed(2)} s = ${(x.ms / oneDecode.ms).toFixed(2)}x (CPU ${(x.cpu / 1000).toFixed(2)} s = ${(x.cpu / oneDecode.cpu).toFixed(2)}x)`;
  out.push(`One file, one thread: decode ${(oneDecode.ms / 1000).toFixed(2)} s (CPU ${(oneDecode.cpu / 1000).toFixed(2)} s); analysis engine alone, ` +
    `clip + segment features (what the SVM needs) ${show(svmNeeds)}; with CNN and MLFI inputs too ${show(allNeeds)}`);

  // Inference alone, on the real inputs of one track.
  const store = new ModelStore({ userDir: userModelsDir(dataDir), shippedDir: join(projectRoot, 'models') });
  const models = activeModels(store);
  const segments: SegmentAnalysis[] = [];
  const starts: number[] = [];
  const features: number[] = [];
  const a = await analyzeTrack(first, {
    keepSegments: false,
    onSegment: (s) => {
      starts.push(s.startSeconds);
      features.push(...s.features);
      if (segments.length < 96) segments.push(s);
    },
  });
  out.push('Inference alone (batches of 8 segments of the first file; SVM: its 30 s windows pooled from the segments):');
  const rates = await inferenceRates(models, segments, { starts, features: Float32Array.from(features) }, a.clip, a.durationSeconds);
  out.push(...rates.lines);
  // The floor the segment models' arithmetic alone sets: their inference on one track's segments against what
  // decoding that track costs, as if the analysis engine, the SVM and SQLite took no time at all.
  const decodeCpu = (n: number): number => median(runs.get(`ffmpeg ${n}`)!.map((x) => x.cpuMs));
  const decodeCpuPerTrack = sizes.length > 1 ? (decodeCpu(files) - decodeCpu(sizes[0])) / (files - sizes[0]) : decodeCpu(files) / files;
  const inferenceMs = [...rates.oneThread].map(([kind, perSecond]) => ({ kind, ms: (1000 * a.segmentCount) / perSecond }));
  const floorMs = inferenceMs.reduce((t, x) => t + x.ms, 0);
  out.push(
    `One ${seconds / 60}-minute track's ${a.segmentCount} segments through the segment models (1 thread): ` +
      `${inferenceMs.map((x) => `${x.kind} ${x.ms.toFixed(0)} ms`).join(' + ')} = ${floorMs.toFixed(0)} ms of CPU, ` +
      `${(floorMs / decodeCpuPerTrack).toFixed(2)}x the CPU of ffmpeg alone decoding it (${decodeCpuPerTrack.toFixed(0)} ms): with every other stage free, ` +
      `each further track would still cost ${(1 + floorMs / decodeCpuPerTrack).toFixed(2)}x ffmpeg alone's CPU`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
}

try {
  await main();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
