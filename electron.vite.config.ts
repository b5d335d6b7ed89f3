import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig, externalizeDepsPlugin } from 'electron-vite';
import type { Plugin } from 'vite';
import { metaContentSecurityPolicy } from './src/main/bridge/content-security-policy.ts';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Every `src/main/workers/<name>.worker.ts` becomes `out/main/workers/<name>.js`, next to the main bundle. */
const workerInputs = Object.fromEntries(
  readdirSync(resolve(root, 'src/main/workers'))
    .filter((f) => f.endsWith('.worker.ts'))
    .map((f) => [`workers/${f.replace(/\.worker\.ts$/, '')}`, resolve(root, 'src/main/workers', f)]),
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
        input: { index: resolve(root, 'src/main/index.ts'), ...workerInputs },
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
