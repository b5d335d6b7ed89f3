import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../../src/main/project-root.ts';

// A child Node (this one's binary, which runs the engine from source as the CLI does) analyses the same 2-minute
// signal three times in one thread with V8's --trace-deopt, printing a line before each analysis.
const analyses = `
import { analyzeSignal } from ${JSON.stringify(pathToFileURL(join(projectRoot, 'src/main/core/features/analyze-signal.ts')).href)};
const sr = 22050;
const y = new Float32Array(120 * sr);
let seed = 1;
for (let i = 0; i < y.length; i++) {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  const t = i / sr;
  y[i] = 0.2 * Math.sin(2 * Math.PI * (220 + 55 * Math.floor((t / 2) % 4)) * t) + 0.5 * Math.exp(-30 * (t % 0.5)) * Math.sin(2 * Math.PI * 60 * t) + 0.05 * (seed / 2147483648 - 0.5);
}
for (let run = 0; run < 3; run++) {
  console.log('ANALYSIS ' + run);
  analyzeSignal(y);
}
console.log('ANALYSES DONE');
`;

describe('the analysis engine in one thread', () => {
  it('keeps its compiled code from one track to the next: no stage is deoptimised for changed code dependencies', () => {
    const r = spawnSync(process.execPath, ['--trace-deopt', '--input-type=module', '-e', analyses], { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.status).toBe(0);
    const out = r.stdout;
    const [first, second, third, done] = ['ANALYSIS 0', 'ANALYSIS 1', 'ANALYSIS 2', 'ANALYSES DONE'].map((m) => out.indexOf(m));
    expect(first).toBeGreaterThanOrEqual(0);
    expect(done).toBeGreaterThan(third);
    // the first analysis is hot enough for V8 to optimise the engine's stages (so the trace can see a deopt) ...
    expect(out.slice(first, second)).toMatch(/deoptimizing/);
    // ... and a second and third run it with that code: the layout records were object literals, whose second run
    // deoptimised 7 to 11 of the stages' functions ("marking dependent code ... reason: code dependencies"). A
    // function that allocates a large array may still be marked when the garbage collector changes its mind about
    // where that array's allocation site puts its objects (logMelAt was, in 1 of 4 runs beside other test files).
    const later = out.slice(second, done).match(/.*reason: code dependencies.*/g) ?? [];
    expect(later.length, later.join('\n')).toBeLessThanOrEqual(2);
  }, 60_000);
});

describe('the analysis engine memory layout', () => {
  it('keeps both records it hands the stages in fast (not dictionary) properties', () => {
    // V8's natives syntax is only for this child: %HasFastProperties says whether an object has a hidden class
    const at = (path: string): string => JSON.stringify(pathToFileURL(join(projectRoot, path)).href);
    const script = `
      import { DspWasm } from ${at('src/main/core/dsp/wasm/dsp-wasm.ts')};
      import { layOutTrackMemory, trackMemoryBytes } from ${at('src/main/core/features/track-analyzer/wasm-layout.ts')};
      const R = 4096;
      const wasm = new DspWasm(trackMemoryBytes(R));
      for (let run = 0; run < 2; run++) {
        wasm.reset();
        const mem = layOutTrackMemory(wasm, R, () => {});
        console.log(JSON.stringify({ memory: %HasFastProperties(mem), layout: %HasFastProperties(mem.at), rings: mem.at.powerRing > 0 }));
      }`;
    const r = spawnSync(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    // 32 offsets copied onto an empty object left the layout with dictionary properties: every read a lookup
    expect(r.stdout.trim().split('\n').map((l) => JSON.parse(l) as unknown)).toEqual([
      { memory: true, layout: true, rings: true },
      { memory: true, layout: true, rings: true },
    ]);
  });
});
