import { FunctionBuilder } from './wasm-assembler.ts';

/** Window of the HPSS median filters (librosa's default kernel_size 31). */
export const MEDIAN_WIDTH = 31;

/**
 * Four independent width-31 sliding medians at once, one per f32x4 lane:
 *   median31x4(state, src, outSrc, stride, outStride, dst, dstStride, n)            stores each median vector at dst
 *   median31x4Scatter(... same ..., laneStride)                                     stores lane l at dst + l * laneStride
 * `state` holds 32 vectors: the current window of each lane sorted ascending in slots 0..30, slot 31 unused.
 * Each of the n steps reads the incoming vector at src and the outgoing one at outSrc (a vector of +Infinity
 * while the window fills: the window starts as 31 x +Infinity), replaces the outgoing value by the incoming one
 * in the sorted window and stores slot 15, the median; src, outSrc and dst then advance by their strides (bytes).
 *
 * The replacement is branch-free, the same instructions whatever the data:
 *   delete: b[j] = a[j] < out ? a[j] : a[j + 1]    (drops the first element >= out, i.e. one copy of out)
 *   insert: c[j] = max(b[j - 1], min(b[j], in))   (c[0] = min(b[0], in); b[30] takes a[31] = +Infinity)
 * so the window stays exactly the sorted multiset and its middle element is the exact median: the same value
 * scipy.ndimage.median_filter selects, bit for bit. Inputs must not be NaN.
 * The select is relaxed SIMD's i32x4.relaxed_laneselect where the engine has it (one blendvps instead of
 * and / andnot / or: ~9% faster here); with a mask made of comparison results (each lane all ones or all zeros)
 * its result is fully specified, the same as v128.bitselect.
 */
export function median31x4Kernel(scatter: boolean, select: 'v128.bitselect' | 'i32x4.relaxed_laneselect' = 'v128.bitselect'): FunctionBuilder {
  const params = ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32'] as const;
  const f = new FunctionBuilder(scatter ? 'median31x4Scatter' : 'median31x4', scatter ? [...params, 'i32'] : [...params], []);
  const [state, src, outSrc, stride, outStride, dst, dstStride, n, laneStride] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const a = Array.from({ length: 31 }, () => f.local('v128'));
  const inf = f.local('v128');
  const inn = f.local('v128');
  const out = f.local('v128');
  const b = [f.local('v128'), f.local('v128')];
  for (let j = 0; j < 31; j++) f.ops(['local.get', state], ['v128.load', j * 16], ['local.set', a[j]]);
  f.ops(['v128.const', Infinity, Infinity, Infinity, Infinity], ['local.set', inf]);
  f.ops(['block'], ['local.get', n], ['i32.eqz'], ['br_if', 0], ['loop']);
  f.ops(['local.get', src], ['v128.load', 0], ['local.set', inn]);
  f.ops(['local.get', outSrc], ['v128.load', 0], ['local.set', out]);
  for (let j = 0; j < 31; j++) {
    const bj = b[j & 1];
    const bPrev = b[(j + 1) & 1];
    const next = j < 30 ? a[j + 1] : inf;
    f.ops(['local.get', a[j]], ['local.get', next], ['local.get', a[j]], ['local.get', out], ['f32x4.lt'], [select], ['local.set', bj]);
    // pmin(x, y) = y < x ? y : x and pmax(x, y) = x < y ? y : x: min and max for non-NaN values
    if (j === 0) f.ops(['local.get', bj], ['local.get', inn], ['f32x4.pmin'], ['local.set', a[0]]);
    else f.ops(['local.get', bPrev], ['local.get', bj], ['local.get', inn], ['f32x4.pmin'], ['f32x4.pmax'], ['local.set', a[j]]);
  }
  if (scatter) {
    for (let l = 0; l < 4; l++) {
      f.ops(['local.get', dst]);
      if (l > 0) f.ops(['local.get', laneStride], ['i32.const', l], ['i32.mul'], ['i32.add']);
      f.ops(['local.get', a[15]], ['v128.store32_lane', 0, l]);
    }
  } else f.ops(['local.get', dst], ['local.get', a[15]], ['v128.store', 0]);
  f.ops(
    ['local.get', src], ['local.get', stride], ['i32.add'], ['local.set', src],
    ['local.get', outSrc], ['local.get', outStride], ['i32.add'], ['local.set', outSrc],
    ['local.get', dst], ['local.get', dstStride], ['i32.add'], ['local.set', dst],
    ['local.get', n], ['i32.const', 1], ['i32.sub'], ['local.tee', n], ['br_if', 0],
  );
  f.ops(['end'], ['end']);
  for (let j = 0; j < 31; j++) f.ops(['local.get', state], ['local.get', a[j]], ['v128.store', j * 16]);
  return f;
}

/**
 * gatherReflect4(row0, row1, row2, row3, dst, n, pad): interleaves four rows of n floats into dst as
 * (n + 2 pad) vectors, vector p holding element k of each row (lane = row), where k = p - pad mirrored at the
 * ends the way scipy.ndimage's 'reflect' mode does (d c b a | a b c d | d c b a). Needs pad <= n.
 */
export function gatherReflect4Kernel(): FunctionBuilder {
  const f = new FunctionBuilder('gatherReflect4', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32'], []);
  const [r0, r1, r2, r3, dst, n, pad] = [0, 1, 2, 3, 4, 5, 6];
  const p = f.local('i32');
  const k = f.local('i32');
  const total = f.local('i32');
  const v = f.local('v128');
  f.ops(['local.get', n], ['local.get', pad], ['i32.const', 1], ['i32.shl'], ['i32.add'], ['local.set', total]);
  f.ops(['i32.const', 0], ['local.set', p], ['loop']);
  // k = p - pad; if k < 0: k = -k - 1; if k >= n: k = 2n - 1 - k   (byte offset k * 4)
  f.ops(['local.get', p], ['local.get', pad], ['i32.sub'], ['local.set', k]);
  f.ops(['local.get', k], ['i32.const', 0], ['i32.lt_s'], ['if'], ['i32.const', -1], ['local.get', k], ['i32.sub'], ['local.set', k], ['end']);
  f.ops(['local.get', k], ['local.get', n], ['i32.ge_s'], ['if'], ['local.get', n], ['i32.const', 1], ['i32.shl'], ['i32.const', 1], ['i32.sub'], ['local.get', k], ['i32.sub'], ['local.set', k], ['end']);
  f.ops(['local.get', k], ['i32.const', 2], ['i32.shl'], ['local.set', k]);
  f.ops(['local.get', r0], ['local.get', k], ['i32.add'], ['v128.load32_zero', 0], ['local.set', v]);
  const rows = [r1, r2, r3];
  for (let l = 1; l < 4; l++) f.ops(['local.get', rows[l - 1]], ['local.get', k], ['i32.add'], ['local.get', v], ['v128.load32_lane', 0, l], ['local.set', v]);
  f.ops(['local.get', dst], ['local.get', p], ['i32.const', 4], ['i32.shl'], ['i32.add'], ['local.get', v], ['v128.store', 0]);
  f.ops(['local.get', p], ['i32.const', 1], ['i32.add'], ['local.tee', p], ['local.get', total], ['i32.lt_s'], ['br_if', 0], ['end']);
  return f;
}
