import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig, externalizeDepsPlugin } from 'electron-vite';
import type { Plugin } from 'vite';
import { metaContentSecurityPolicy } from './src/main/bridge/content-security-policy.ts';
import { assembleDspModule } from './src/main/core/dsp/wasm/dsp-wasm.ts';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * Entry files, code that runs as a thread or a process of its own: every `src/main/<path>.worker.ts`, `.thread.ts`
 * and `.process.ts` becomes `out/main/<path>.….js`, next to the main bundle, where core/runtime/entry-file-url.ts
 * finds it (e.g. `workers/scan.worker.js`, `core/audio/ffmpeg-read.thread.js`).
 */
const mainDir = resolve(root, 'src/main');
const entryInputs = Object.fromEntries(
  readdirSync(mainDir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(worker|thread|process)\.ts$/.test(f))
    .map((f) => [f.replace(/\.ts$/, '').split(sep).join('/'), resolve(mainDir, f)]),
);

/**
 * The dev server (npm run dev) serves the renderer from http://localhost with hot reload over a websocket: widen
 * the CSP meta tag of index.html as the header is widened (contentSecurityPolicy(devServer)).
 */
function devServerCsp(): Plugin {
  let origin = '';
  return {
    name: 'genre-tagger-dev-csp',
    apply: 'serve',
    configureServer(server) {
      server.httpServer?.once('listening', () => {
        const a = server.httpServer?.address();
        if (a && typeof a === 'object') origin = `http://localhost:${a.port}`;
      });
    },
    transformIndexHtml(html) {
      return html.replace(/(<meta http-equiv="Content-Security-Policy" content=")[^"]*(")/, `$1${metaContentSecurityPolicy(origin || undefined)}$2`);
    },
  };
}

/**
 * The commit the build is made from, `+dirty` with uncommitted changes to tracked files; null outside a git
 * checkout. Recorded in `out/main/code-version.json`, which the build reads (models/store/code-version.ts) instead
 * of running git in every process: two forks of the command's process, about 50 ms before a classification starts.
 */
function gitCommitNow(): string | null {
  try {
    const git = (args: string[]): string => execFileSync('git', args, { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    const commit = git(['rev-parse', 'HEAD']);
    return commit ? `${commit}${git(['status', '--porcelain', '--untracked-files=no']) ? '+dirty' : ''}` : null;
  } catch {
    return null;
  }
}

/**
 * `out/main/source-files.json`: every project file the main bundle was built from (size, mtime, SHA-256), and the
 * lock file's hash. The CLI runs its workers from this build only while all of them are unchanged
 * (core/runtime/current-bundle.ts); else from source.
 */
function sourceStamp(): Plugin {
  return {
    name: 'genre-tagger-source-stamp',
    generateBundle(_options, bundle) {
      const ids = new Set<string>();
      for (const item of Object.values(bundle)) if (item.type === 'chunk') for (const id of item.moduleIds) ids.add(id.split('?')[0]);
      const files: Record<string, { size: number; mtimeMs: number; sha256: string }> = {};
      for (const id of [...ids].sort()) {
        const rel = relative(root, id);
        if (id.startsWith('\0') || rel.startsWith('..') || rel.split(sep).includes('node_modules')) continue;
        const bytes = readFileSync(id);
        files[rel.split(sep).join('/')] = { size: bytes.length, mtimeMs: statSync(id).mtimeMs, sha256: createHash('sha256').update(bytes).digest('hex') };
      }
      const lock = createHash('sha256').update(readFileSync(resolve(root, 'package-lock.json'))).digest('hex');
      this.emitFile({ type: 'asset', fileName: 'source-files.json', source: `${JSON.stringify({ lock, files }, null, 1)}\n` });
      this.emitFile({ type: 'asset', fileName: 'code-version.json', source: `${JSON.stringify({ gitCommit: gitCommitNow() })}\n` });
    },
  };
}

/**
 * The analysis engine's WASM kernels, assembled here once instead of in every thread that runs the engine
 * (core/dsp/wasm/dsp-wasm.ts reads them; from source it assembles them itself).
 */
const dspWasm = {
  'i32x4.relaxed_laneselect': Buffer.from(assembleDspModule('i32x4.relaxed_laneselect')).toString('base64'),
  'v128.bitselect': Buffer.from(assembleDspModule('v128.bitselect')).toString('base64'),
};

/**
 * The command line from the build (bin/genre-tagger.js runs it while the build is current): `out/main/cli.js`, and
 * the check of whether the build is current, `out/main/core/runtime/current-bundle.js`, small enough to load first.
 * From source, Node's type stripping of every module took 0.6-0.7 s before any command ran.
 */
const cliInputs = {
  cli: resolve(mainDir, 'cli/index.ts'),
  'core/runtime/current-bundle': resolve(mainDir, 'core/runtime/current-bundle.ts'),
};

/**
 * Dependencies bundled into the build instead of loaded from node_modules: pure JavaScript packages made of many
 * small modules, which Node would find, read and compile one by one in every thread that imports them (zod's
 * 50 modules and music-metadata's 20, with its tokenizers, took 67 and 93 ms to import on the 2-core benchmark
 * machine; the build's command line started in 0.21 s with them inlined against 0.33 s without). Native modules
 * (better-sqlite3, onnxruntime-node) and those that load files beside them (the WASM builds of PFFFT, TagLib and
 * TensorFlow.js) stay external.
 */
const inlinedDependencies = ['zod', 'music-metadata', 'strtok3', 'fft.js', 'csv-parse'];

export default defineConfig({
  main: {
    plugins: [externalizeDepsPlugin({ exclude: inlinedDependencies }), sourceStamp()],
    define: { __DSP_WASM__: JSON.stringify(dspWasm) },
    build: {
      rollupOptions: {
        input: { index: resolve(root, 'src/main/index.ts'), ...cliInputs, ...entryInputs },
        output: { format: 'es', entryFileNames: '[name].js' },
      },
    },
  },
  preload: {
    plugins: [externalizeDepsPlugin()],
    build: {
      rollupOptions: {
        input: { index: resolve(root, 'src/preload/index.ts') },
        // Sandboxed preload scripts must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src/renderer'),
    plugins: [vue(), devServerCsp()],
    build: {
      rollupOptions: { input: { index: resolve(root, 'src/renderer/index.html') } },
    },
  },
});
