import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const workerFile = fileURLToPath(new URL('../../../src/main/workers/classify-track.worker.ts', import.meta.url));

/** Every module (file URL) that importing `specifiers` from `from` loads, in a fresh Node process. */
function loadedModules(specifiers: string[], from: string): string[] {
  const script = `
    import { registerHooks } from 'node:module';
    const seen = new Set();
    registerHooks({ resolve(spec, ctx, next) { const r = next(spec, ctx); seen.add(r.url); return r; } });
    for (const s of ${JSON.stringify(specifiers)}) await import(new URL(s, ${JSON.stringify(`file://${from}`)}).href);
    process.stdout.write(JSON.stringify([...seen]));
    process.exit(0);
  `;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })) as string[];
}

describe('the classification worker', () => {
  it('loads neither zod nor the manifest schema (about 0.2 s per thread), only the model kinds and what inference needs', () => {
    // Its own static imports, not type-only ones (importing the worker itself would start it).
    const source = readFileSync(workerFile, 'utf8');
    const imports = [...source.matchAll(/^import (?!type )[^'"]*from '(\.[^']+)'/gm)].map((m) => m[1]);
    expect(imports).toContain('../core/classify/track-classifier.ts');
    const loaded = loadedModules(imports, workerFile);
    expect(loaded.some((u) => u.endsWith('/models/kinds/registry.ts'))).toBe(true);
    expect(loaded.filter((u) => u.includes('/node_modules/zod/') || u.endsWith('/model-manifest.ts') || u.endsWith('/model-store.ts'))).toEqual([]);
  });
});
