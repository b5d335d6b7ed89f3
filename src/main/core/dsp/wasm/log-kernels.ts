import { FunctionBuilder } from './wasm-assembler.ts';
import type { Op } from './wasm-assembler.ts';

/*
 * Math.log10 and Math.log1p as V8 computes them (its fdlibm-derived ieee754::log10 / log / log1p), operation for
 * operation in WebAssembly, so the dB and ln(1 + x) values of the engine are bit for bit those of the JS
 * reference code (tested on millions of float32 inputs), at a fraction of a JS Math call's cost. Only the paths
 * for finite x >= 0 (log1p) and normal x > 0 (log10) are needed here: the inputs are mel powers (log10 after
 * max(1e-10, x), as power_to_db's amin).
 */

const LN2_HI = 6.9314718036912381649e-1;
const LN2_LO = 1.90821492927058770002e-10;
const LG = [6.66666666666673513e-1, 3.999999999940941908e-1, 2.857142874366239149e-1, 2.222219843214978396e-1, 1.818357216161805012e-1, 1.531383769920937332e-1, 1.479819860511658591e-1];
const IVLN10 = 4.34294481903251816668e-1;
const LOG10_2HI = 3.01029995663611771306e-1;
const LOG10_2LO = 3.69423907715893078616e-13;

type Step = [Op, ...number[]];

/** Pushes the high 32 bits of the f64 local x (as i32). */
function hiWord(x: number): Step[] {
  return [['local.get', x], ['i64.reinterpret_f64'], ['i64.const', 32], ['i64.shr_u'], ['i32.wrap_i64']];
}

/** Pushes the f64 local x with its high word replaced by the i32 local h. */
function withHi(x: number, h: number): Step[] {
  return [
    ['local.get', h], ['i64.extend_i32_u'], ['i64.const', 32], ['i64.shl'],
    ['local.get', x], ['i64.reinterpret_f64'], ['i32.wrap_i64'], ['i64.extend_i32_u'], ['i64.or'], ['f64.reinterpret_i64'],
  ];
}

interface LogLocals {
  hx: number;
  k: number;
  i: number;
  j: number;
  f: number;
  dk: number;
  s: number;
  z: number;
  w: number;
  R: number;
  hfsq: number;
}

function logLocals(f: FunctionBuilder): LogLocals {
  return {
    hx: f.local('i32'), k: f.local('i32'), i: f.local('i32'), j: f.local('i32'),
    f: f.local('f64'), dk: f.local('f64'), s: f.local('f64'), z: f.local('f64'), w: f.local('f64'), R: f.local('f64'), hfsq: f.local('f64'),
  };
}

/** out = log(x) for a positive normal f64 in local x (ieee754::log's general path). Clobbers x. */
function emitLog(f: FunctionBuilder, L: LogLocals, x: number, out: number): void {
  const { hx, k, i, j, dk, s, z, w, R, hfsq } = L;
  const fv = L.f;
  f.ops(...hiWord(x), ['local.tee', hx], ['i32.const', 20], ['i32.shr_s'], ['i32.const', 1023], ['i32.sub'], ['local.set', k]);
  f.ops(['local.get', hx], ['i32.const', 0xfffff], ['i32.and'], ['local.set', hx]);
  f.ops(['local.get', hx], ['i32.const', 0x95f64], ['i32.add'], ['i32.const', 0x100000], ['i32.and'], ['local.set', i]);
  // x = x with high word hx | (i ^ 0x3FF00000): normalised to [sqrt(2)/2, sqrt(2))
  f.ops(['local.get', hx], ['local.get', i], ['i32.const', 0x3ff00000], ['i32.xor'], ['i32.or'], ['local.set', j]);
  f.ops(...withHi(x, j), ['local.set', x]);
  f.ops(['local.get', k], ['local.get', i], ['i32.const', 20], ['i32.shr_s'], ['i32.add'], ['local.tee', k], ['f64.convert_i32_s'], ['local.set', dk]);
  f.ops(['local.get', x], ['f64.const', 1], ['f64.sub'], ['local.set', fv]);
  f.ops(['block']);
  // |f| < 2^-20
  f.ops(['i32.const', 0xfffff], ['i32.const', 2], ['local.get', hx], ['i32.add'], ['i32.and'], ['i32.const', 3], ['i32.lt_s'], ['if']);
  f.ops(['local.get', fv], ['f64.const', 0], ['f64.eq'], ['if']);
  f.ops(['local.get', k], ['i32.eqz'], ['if'], ['f64.const', 0], ['local.set', out], ['else']);
  f.ops(['local.get', dk], ['f64.const', LN2_HI], ['f64.mul'], ['local.get', dk], ['f64.const', LN2_LO], ['f64.mul'], ['f64.add'], ['local.set', out], ['end']);
  f.ops(['br', 2], ['end']);
  // R = f * f * (0.5 - 0.33333333333333333 * f)
  f.ops(['local.get', fv], ['local.get', fv], ['f64.mul'], ['f64.const', 0.5], ['f64.const', 0.33333333333333333], ['local.get', fv], ['f64.mul'], ['f64.sub'], ['f64.mul'], ['local.set', R]);
  f.ops(['local.get', k], ['i32.eqz'], ['if'], ['local.get', fv], ['local.get', R], ['f64.sub'], ['local.set', out], ['else']);
  // dk * ln2_hi - ((R - dk * ln2_lo) - f)
  f.ops(['local.get', dk], ['f64.const', LN2_HI], ['f64.mul'], ['local.get', R], ['local.get', dk], ['f64.const', LN2_LO], ['f64.mul'], ['f64.sub'], ['local.get', fv], ['f64.sub'], ['f64.sub'], ['local.set', out], ['end']);
  f.ops(['br', 1], ['end']);
  // s = f / (2 + f), z = s^2, w = z^2, R = t2 + t1
  f.ops(['local.get', fv], ['f64.const', 2], ['local.get', fv], ['f64.add'], ['f64.div'], ['local.tee', s], ['local.get', s], ['f64.mul'], ['local.tee', z], ['local.get', z], ['f64.mul'], ['local.set', w]);
  f.ops(['local.get', hx], ['i32.const', 0x6147a], ['i32.sub'], ['i32.const', 0x6b851], ['local.get', hx], ['i32.sub'], ['i32.or'], ['local.set', i]);
  // t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)))
  f.ops(['local.get', z], ['f64.const', LG[0]], ['local.get', w], ['f64.const', LG[2]], ['local.get', w], ['f64.const', LG[4]], ['local.get', w], ['f64.const', LG[6]], ['f64.mul'], ['f64.add'], ['f64.mul'], ['f64.add'], ['f64.mul'], ['f64.add'], ['f64.mul']);
  // t1 = w * (Lg2 + w * (Lg4 + w * Lg6)); R = t2 + t1
  f.ops(['local.get', w], ['f64.const', LG[1]], ['local.get', w], ['f64.const', LG[3]], ['local.get', w], ['f64.const', LG[5]], ['f64.mul'], ['f64.add'], ['f64.mul'], ['f64.add'], ['f64.mul'], ['f64.add'], ['local.set', R]);
  // Both of ieee754::log's final formulas, then a select on i > 0 (the branch depends on mantissa bits, so it
  // mispredicts half the time). Its k == 0 variants are these with dk = 0: +0 - ((a) - f) == f - (a) and
  // p + 0 * ln2_lo == p exactly (p != 0 here, f == 0 took the branch above), so one formula each is bit-exact.
  f.ops(['f64.const', 0.5], ['local.get', fv], ['f64.mul'], ['local.get', fv], ['f64.mul'], ['local.set', hfsq]);
  // dk * ln2_hi - ((hfsq - (s * (hfsq + R) + dk * ln2_lo)) - f)
  f.ops(['local.get', dk], ['f64.const', LN2_HI], ['f64.mul'], ['local.get', hfsq], ['local.get', s], ['local.get', hfsq], ['local.get', R], ['f64.add'], ['f64.mul'], ['local.get', dk], ['f64.const', LN2_LO], ['f64.mul'], ['f64.add'], ['f64.sub'], ['local.get', fv], ['f64.sub'], ['f64.sub']);
  // dk * ln2_hi - ((s * (f - R) - dk * ln2_lo) - f)
  f.ops(['local.get', dk], ['f64.const', LN2_HI], ['f64.mul'], ['local.get', s], ['local.get', fv], ['local.get', R], ['f64.sub'], ['f64.mul'], ['local.get', dk], ['f64.const', LN2_LO], ['f64.mul'], ['f64.sub'], ['local.get', fv], ['f64.sub'], ['f64.sub']);
  f.ops(['local.get', i], ['i32.const', 0], ['i32.gt_s'], ['select'], ['local.set', out]);
  f.ops(['end']);
}

/**
 * dbRows(mel, n, out, outBands, bandStride): for n float32 mel powers, 10 * Math.log10(Math.max(1e-10, x))
 * (power_to_db, ref 1, amin 1e-10, no floor) as float32, written to out[i] and to outBands + i * bandStride.
 */
export function dbRowsKernel(): FunctionBuilder {
  const f = new FunctionBuilder('dbRows', ['i32', 'i32', 'i32', 'i32', 'i32'], []);
  const [mel, n, out, outBands, bandStride] = [0, 1, 2, 3, 4];
  const m = f.local('i32');
  const x = f.local('f64');
  const r = f.local('f64');
  const y = f.local('f64');
  const hx = f.local('i32');
  const kk = f.local('i32');
  const ii = f.local('i32');
  const v = f.local('f32');
  const L = logLocals(f);
  f.ops(['block'], ['local.get', n], ['i32.eqz'], ['br_if', 0], ['i32.const', 0], ['local.set', m], ['loop']);
  f.ops(['f64.const', 1e-10], ['local.get', mel], ['local.get', m], ['i32.const', 2], ['i32.shl'], ['i32.add'], ['f32.load', 0], ['f64.promote_f32'], ['f64.max'], ['local.set', x]);
  f.ops(['block']);
  // log10(1) = 0
  f.ops(['local.get', x], ['f64.const', 1], ['f64.eq'], ['if'], ['f64.const', 0], ['local.set', r], ['br', 1], ['end']);
  // infinity / NaN: x + x, as ieee754::log10
  f.ops(...hiWord(x), ['local.tee', hx], ['i32.const', 0x7ff00000], ['i32.ge_s'], ['if'], ['local.get', x], ['local.get', x], ['f64.add'], ['local.set', r], ['br', 1], ['end']);
  // k = exponent; i = k < 0; x = mantissa with exponent 0x3FF - i; y = k + i
  f.ops(['local.get', hx], ['i32.const', 20], ['i32.shr_s'], ['i32.const', 1023], ['i32.sub'], ['local.tee', kk]);
  f.ops(['i32.const', 0x80000000 | 0], ['i32.and'], ['i32.const', 31], ['i32.shr_u'], ['local.set', ii]);
  f.ops(['local.get', kk], ['local.get', ii], ['i32.add'], ['f64.convert_i32_s'], ['local.set', y]);
  f.ops(['local.get', hx], ['i32.const', 0xfffff], ['i32.and'], ['i32.const', 0x3ff], ['local.get', ii], ['i32.sub'], ['i32.const', 20], ['i32.shl'], ['i32.or'], ['local.set', hx]);
  f.ops(...withHi(x, hx), ['local.set', x]);
  emitLog(f, L, x, r);
  // z = y * log10_2lo + ivln10 * log(x); r = z + y * log10_2hi
  f.ops(['local.get', y], ['f64.const', LOG10_2LO], ['f64.mul'], ['f64.const', IVLN10], ['local.get', r], ['f64.mul'], ['f64.add'], ['local.get', y], ['f64.const', LOG10_2HI], ['f64.mul'], ['f64.add'], ['local.set', r]);
  f.ops(['end']);
  f.ops(['f64.const', 10], ['local.get', r], ['f64.mul'], ['f32.demote_f64'], ['local.set', v]);
  f.ops(['local.get', out], ['local.get', m], ['i32.const', 2], ['i32.shl'], ['i32.add'], ['local.get', v], ['f32.store', 0]);
  f.ops(['local.get', outBands], ['local.get', m], ['local.get', bandStride], ['i32.mul'], ['i32.add'], ['local.get', v], ['f32.store', 0]);
  f.ops(['local.get', m], ['i32.const', 1], ['i32.add'], ['local.tee', m], ['local.get', n], ['i32.lt_s'], ['br_if', 0], ['end'], ['end']);
  return f;
}

/**
 * log1pRows(src, n, out, outStride, gain): Math.log1p(gain * x) of n float32 values x >= 0 (x as float64, the
 * product in float64, the result rounded to float32) to out + i * outStride, with ieee754::log1p's operations.
 */
export function log1pRowsKernel(): FunctionBuilder {
  const f = new FunctionBuilder('log1pRows', ['i32', 'i32', 'i32', 'i32', 'f64'], []);
  const [src, n, out, outStride, gain] = [0, 1, 2, 3, 4];
  const m = f.local('i32');
  const x = f.local('f64');
  const r = f.local('f64');
  const hx = f.local('i32');
  const ax = f.local('i32');
  const k = f.local('i32');
  const hu = f.local('i32');
  const u = f.local('f64');
  const c = f.local('f64');
  const fv = f.local('f64');
  const dk = f.local('f64');
  const hfsq = f.local('f64');
  const s = f.local('f64');
  const z = f.local('f64');
  const R = f.local('f64');
  const two54 = 1.8014398509481984e16;
  f.ops(['block'], ['local.get', n], ['i32.eqz'], ['br_if', 0], ['i32.const', 0], ['local.set', m], ['loop']);
  f.ops(['local.get', src], ['local.get', m], ['i32.const', 2], ['i32.shl'], ['i32.add'], ['f32.load', 0], ['f64.promote_f32'], ['local.get', gain], ['f64.mul'], ['local.set', x]);
  f.ops(['f64.const', 0], ['local.set', c], ['i32.const', 1], ['local.set', k], ['i32.const', 0], ['local.set', hu]);
  f.ops(['block']);
  f.ops(...hiWord(x), ['local.tee', hx], ['i32.const', 0x7fffffff], ['i32.and'], ['local.set', ax]);
  f.ops(['local.get', hx], ['i32.const', 0x3fda827a], ['i32.lt_s'], ['if']);
  // |x| < 2^-29: x, or x - x * x * 0.5 (for x >= 0, two54 + x > 0 always holds)
  f.ops(['local.get', ax], ['i32.const', 0x3e200000], ['i32.lt_s'], ['if']);
  f.ops(['f64.const', two54], ['local.get', x], ['f64.add'], ['f64.const', 0], ['f64.gt'], ['local.get', ax], ['i32.const', 0x3c900000], ['i32.lt_s'], ['i32.and'], ['if']);
  f.ops(['local.get', x], ['local.set', r], ['else']);
  f.ops(['local.get', x], ['local.get', x], ['local.get', x], ['f64.mul'], ['f64.const', 0.5], ['f64.mul'], ['f64.sub'], ['local.set', r], ['end']);
  f.ops(['br', 2], ['end']);
  f.ops(['local.get', hx], ['i32.const', 0], ['i32.gt_s'], ['local.get', hx], ['i32.const', 0xbfd2bec4 | 0], ['i32.le_s'], ['i32.or'], ['if']);
  f.ops(['i32.const', 0], ['local.set', k], ['local.get', x], ['local.set', fv], ['i32.const', 1], ['local.set', hu], ['end']);
  f.ops(['end']);
  f.ops(['local.get', hx], ['i32.const', 0x7ff00000], ['i32.ge_s'], ['if'], ['local.get', x], ['local.get', x], ['f64.add'], ['local.set', r], ['br', 1], ['end']);
  f.ops(['local.get', k], ['if']);
  f.ops(['local.get', hx], ['i32.const', 0x43400000], ['i32.lt_s'], ['if']);
  // u = 1 + x; k = exponent of u; c = (k > 0 ? 1 - (u - x) : x - (u - 1)) / u
  f.ops(['f64.const', 1], ['local.get', x], ['f64.add'], ['local.set', u]);
  f.ops(...hiWord(u), ['local.tee', hu], ['i32.const', 20], ['i32.shr_s'], ['i32.const', 1023], ['i32.sub'], ['local.set', k]);
  f.ops(['local.get', k], ['i32.const', 0], ['i32.gt_s'], ['if']);
  f.ops(['f64.const', 1], ['local.get', u], ['local.get', x], ['f64.sub'], ['f64.sub'], ['local.set', c], ['else']);
  f.ops(['local.get', x], ['local.get', u], ['f64.const', 1], ['f64.sub'], ['f64.sub'], ['local.set', c], ['end']);
  f.ops(['local.get', c], ['local.get', u], ['f64.div'], ['local.set', c]);
  f.ops(['else']);
  f.ops(['local.get', x], ['local.set', u], ...hiWord(x), ['local.tee', hu], ['i32.const', 20], ['i32.shr_s'], ['i32.const', 1023], ['i32.sub'], ['local.set', k], ['f64.const', 0], ['local.set', c]);
  f.ops(['end']);
  f.ops(['local.get', hu], ['i32.const', 0xfffff], ['i32.and'], ['local.set', hu]);
  f.ops(['local.get', hu], ['i32.const', 0x6a09e], ['i32.lt_s'], ['if']);
  f.ops(['local.get', hu], ['i32.const', 0x3ff00000], ['i32.or'], ['local.set', ax], ...withHi(u, ax), ['local.set', u]);
  f.ops(['else']);
  f.ops(['local.get', k], ['i32.const', 1], ['i32.add'], ['local.set', k]);
  f.ops(['local.get', hu], ['i32.const', 0x3fe00000], ['i32.or'], ['local.set', ax], ...withHi(u, ax), ['local.set', u]);
  f.ops(['i32.const', 0x100000], ['local.get', hu], ['i32.sub'], ['i32.const', 2], ['i32.shr_s'], ['local.set', hu]);
  f.ops(['end']);
  f.ops(['local.get', u], ['f64.const', 1], ['f64.sub'], ['local.set', fv]);
  f.ops(['end']);
  f.ops(['local.get', k], ['f64.convert_i32_s'], ['local.set', dk]);
  f.ops(['f64.const', 0.5], ['local.get', fv], ['f64.mul'], ['local.get', fv], ['f64.mul'], ['local.set', hfsq]);
  f.ops(['local.get', hu], ['i32.eqz'], ['if']);
  f.ops(['local.get', fv], ['f64.const', 0], ['f64.eq'], ['if']);
  f.ops(['local.get', k], ['i32.eqz'], ['if'], ['f64.const', 0], ['local.set', r], ['else']);
  // c += k * ln2_lo; k * ln2_hi + c
  f.ops(['local.get', c], ['local.get', dk], ['f64.const', LN2_LO], ['f64.mul'], ['f64.add'], ['local.set', c]);
  f.ops(['local.get', dk], ['f64.const', LN2_HI], ['f64.mul'], ['local.get', c], ['f64.add'], ['local.set', r], ['end']);
  f.ops(['br', 2], ['end']);
  // R = hfsq * (1 - 0.66666666666666666 * f)
  f.ops(['local.get', hfsq], ['f64.const', 1], ['f64.const', 0.66666666666666666], ['local.get', fv], ['f64.mul'], ['f64.sub'], ['f64.mul'], ['local.set', R]);
  f.ops(['local.get', k], ['i32.eqz'], ['if'], ['local.get', fv], ['local.get', R], ['f64.sub'], ['local.set', r], ['else']);
  // k * ln2_hi - ((R - (k * ln2_lo + c)) - f)
  f.ops(['local.get', dk], ['f64.const', LN2_HI], ['f64.mul'], ['local.get', R], ['local.get', dk], ['f64.const', LN2_LO], ['f64.mul'], ['local.get', c], ['f64.add'], ['f64.sub'], ['local.get', fv], ['f64.sub'], ['f64.sub'], ['local.set', r], ['end']);
  f.ops(['br', 1], ['end']);
  // s = f / (2 + f); z = s^2; R = z * (Lp1 + z * (Lp2 + ... + z * Lp7))
  f.ops(['local.get', fv], ['f64.const', 2], ['local.get', fv], ['f64.add'], ['f64.div'], ['local.tee', s], ['local.get', s], ['f64.mul'], ['local.set', z]);
  f.ops(['local.get', z]);
  for (let q = 0; q < 6; q++) f.ops(['f64.const', LG[q]], ['local.get', z]);
  f.ops(['f64.const', LG[6]]);
  for (let q = 0; q < 6; q++) f.ops(['f64.mul'], ['f64.add']);
  f.ops(['f64.mul'], ['local.set', R]);
  f.ops(['local.get', k], ['i32.eqz'], ['if']);
  // f - (hfsq - s * (hfsq + R))
  f.ops(['local.get', fv], ['local.get', hfsq], ['local.get', s], ['local.get', hfsq], ['local.get', R], ['f64.add'], ['f64.mul'], ['f64.sub'], ['f64.sub'], ['local.set', r], ['else']);
  // k * ln2_hi - ((hfsq - (s * (hfsq + R) + (k * ln2_lo + c))) - f)
  f.ops(['local.get', dk], ['f64.const', LN2_HI], ['f64.mul'], ['local.get', hfsq], ['local.get', s], ['local.get', hfsq], ['local.get', R], ['f64.add'], ['f64.mul']);
  f.ops(['local.get', dk], ['f64.const', LN2_LO], ['f64.mul'], ['local.get', c], ['f64.add'], ['f64.add'], ['f64.sub'], ['local.get', fv], ['f64.sub'], ['f64.sub'], ['local.set', r], ['end']);
  f.ops(['end']);
  f.ops(['local.get', out], ['local.get', m], ['local.get', outStride], ['i32.mul'], ['i32.add'], ['local.get', r], ['f32.demote_f64'], ['f32.store', 0]);
  f.ops(['local.get', m], ['i32.const', 1], ['i32.add'], ['local.tee', m], ['local.get', n], ['i32.lt_s'], ['br_if', 0], ['end'], ['end']);
  return f;
}
