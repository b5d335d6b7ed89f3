import { slidingMedian } from '../src/main/core/dsp/median-filter.ts';
import { hpssMasks } from '../src/main/core/dsp/hpss.ts';
import { stft, stftMagnitude } from '../src/main/core/dsp/stft.ts';
import { readFileSync } from 'node:fs';
const buf = readFileSync('/work/shared/datasets/gtzan/original/rock/rock.00000.wav');
const n = 66150; const y = new Float32Array(n); for (let i = 0; i < n; i++) y[i] = buf.readInt16LE(44 + 2 * i) / 32768;
const M = stftMagnitude(stft(y), 1);
const dst = new Float32Array(M.data.length); const win = new Float32Array(31);
for (let rep = 0; rep < 3; rep++) {
let t = performance.now();
for (let r = 0; r < 10; r++) for (let k = 0; k < M.bins; k++) slidingMedian(M.data, dst, M.frames, 31, k, M.bins);
const th = (performance.now() - t) / 10;
t = performance.now();
for (let r = 0; r < 10; r++) for (let f = 0; f < M.frames; f++) slidingMedian(M.data, dst, M.bins, 31, f * M.bins, 1);
const tp = (performance.now() - t) / 10;
t = performance.now(); for (let r = 0; r < 10; r++) hpssMasks(M); const tm = (performance.now() - t) / 10;
console.log('harm', th.toFixed(2), 'perc', tp.toFixed(2), 'masks total', tm.toFixed(2), 'ms per 3s segment');
}
