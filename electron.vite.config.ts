import { readdirSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig, externalizeDepsPlugin } from 'electron-vite';
import type { Plugin } from 'vite';
import { metaContentSecurityPolicy } from './src/main/bridge/content-security-policy.ts';

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

export default defineConfig({
  main: {
    plugins: [externalizeDepsPlugin()],
    build: {
      rollupOptions: {
        input: { index: resolve(root, 'src/main/index.ts'), ...entryInputs },
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
