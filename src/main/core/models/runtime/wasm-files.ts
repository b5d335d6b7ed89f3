import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let overrideDir: string | null = null;

/**
 * Where the tfjs WASM binaries are read from. From source they are in node_modules; a packaged app (where files
 * inside app.asar may not be readable by the WASM loader) points this at an unpacked copy.
 */
export function setWasmDir(dir: string | null): void {
  overrideDir = dir;
}

export function wasmDir(): string {
  if (overrideDir) return overrideDir;
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
}

/** The file map `setWasmPaths` takes: in Node, plain file paths (Emscripten reads them with fs). */
export function wasmFilePaths(): Record<string, string> {
  const dir = wasmDir();
  const names = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];
  const missing = names.filter((n) => !existsSync(join(dir, n)));
  if (missing.length === names.length) throw new Error(`TensorFlow.js WASM binaries not found in ${dir}`);
  return Object.fromEntries(names.map((n) => [n, join(dir, n)]));
}
