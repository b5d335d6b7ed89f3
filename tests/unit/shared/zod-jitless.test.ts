import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { libraryApi } from '../../../src/shared/api/library.ts';
import { z } from '../../../src/shared/zod.ts';
import { readManifest } from '../../../src/main/core/models/store/model-store.ts';
import { projectRoot } from '../../../src/main/project-root.ts';

describe('zod without its JIT (src/shared/zod.ts)', () => {
  it('compiles no code to parse: a model manifest and a message at the boundary construct no Function', () => {
    const RealFunction = globalThis.Function;
    let constructed = 0;
    globalThis.Function = new Proxy(RealFunction, {
      construct(target, args: unknown[]) {
        constructed++;
        return Reflect.construct(target, args) as object;
      },
    });
    try {
      expect(readManifest(join(projectRoot, 'models', 'mlfi', 'gtzan-mlfi-two-way-b')).kind).toBe('mlfi');
      expect(libraryApi['library.addRoot'].input.parse({ path: '/music' })).toEqual({ path: '/music' });
      expect(constructed).toBe(0);
      // the same measure sees zod's JIT at work when it is on
      z.config({ jitless: false });
      z.object({ a: z.number(), b: z.string() }).parse({ a: 1, b: 'x' });
      expect(constructed).toBeGreaterThan(0);
    } finally {
      globalThis.Function = RealFunction;
      z.config({ jitless: true });
    }
  });
});
