import { FunctionBuilder } from './wasm-assembler.ts';

const TINY_F32 = 1.1754943508222875e-38;

/**
 * unpackSpectrum(src, re, im, pow, mag, half): PFFFT's ordered real-FFT output (src[0] = DC, src[1] = Nyquist,
 * then (re, im) pairs) of an n = 2 half point transform, split into re / im / power / magnitude rows of
 * half + 4 floats (bins 0..half, then zeros up to a multiple of 4). Power and magnitude are computed in float64
 * and rounded once, exactly as `Math.fround(re * re + im * im)` and `Math.fround(Math.sqrt(re * re + im * im))`.
 * half must be a multiple of 4.
 */
export function unpackSpectrumKernel(): FunctionBuilder {
  const f = new FunctionBuilder('unpackSpectrum', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32'], []);
  const [src, re, im, pow, mag, half] = [0, 1, 2, 3, 4, 5];
  const g = f.local('i32');
  const end = f.local('i32');
  const addr = f.local('i32');
  const v0 = f.local('v128');
  const v1 = f.local('v128');
  const r = f.local('v128');
  const i = f.local('v128');
  const lo = f.local('v128');
  const hi = f.local('v128');
  // byte offset of the last group (bins half..half+3)
  f.ops(['local.get', half], ['i32.const', 2], ['i32.shl'], ['local.set', end]);
  // 1. split the (re, im) pairs; g is the byte offset of a group of 4 bins in the rows (twice that in src)
  f.ops(['i32.const', 0], ['local.set', g], ['loop']);
  f.ops(['local.get', src], ['local.get', g], ['i32.const', 1], ['i32.shl'], ['i32.add'], ['local.tee', addr], ['v128.load', 0], ['local.set', v0]);
  f.ops(['local.get', addr], ['v128.load', 16], ['local.set', v1]);
  f.ops(['local.get', re], ['local.get', g], ['i32.add'], ['local.get', v0], ['local.get', v1], ['i8x16.shuffle', 0, 2, 4, 6], ['v128.store', 0]);
  f.ops(['local.get', im], ['local.get', g], ['i32.add'], ['local.get', v0], ['local.get', v1], ['i8x16.shuffle', 1, 3, 5, 7], ['v128.store', 0]);
  f.ops(['local.get', g], ['i32.const', 16], ['i32.add'], ['local.tee', g], ['local.get', end], ['i32.lt_s'], ['br_if', 0], ['end']);
  // 2. DC and Nyquist: src[1] is the Nyquist bin's real part; both imaginary parts are 0
  f.ops(['local.get', re], ['local.get', end], ['i32.add'], ['v128.const', 0, 0, 0, 0], ['local.get', src], ['f32.load', 4], ['f32x4.replace_lane', 0], ['v128.store', 0]);
  f.ops(['local.get', im], ['local.get', end], ['i32.add'], ['v128.const', 0, 0, 0, 0], ['v128.store', 0]);
  f.ops(['local.get', im], ['f32.const', 0], ['f32.store', 0]);
  // 3. power and magnitude in float64, two lanes at a time
  f.ops(['i32.const', 0], ['local.set', g], ['loop']);
  f.ops(['local.get', re], ['local.get', g], ['i32.add'], ['v128.load', 0], ['local.set', r]);
  f.ops(['local.get', im], ['local.get', g], ['i32.add'], ['v128.load', 0], ['local.set', i]);
  // lo = re0^2 + im0^2, re1^2 + im1^2 (f64x2); hi = lanes 2, 3
  f.ops(['local.get', r], ['f64x2.promote_low_f32x4'], ['local.tee', v0], ['local.get', v0], ['f64x2.mul']);
  f.ops(['local.get', i], ['f64x2.promote_low_f32x4'], ['local.tee', v0], ['local.get', v0], ['f64x2.mul'], ['f64x2.add'], ['local.set', lo]);
  f.ops(['local.get', r], ['local.get', r], ['i8x16.shuffle', 2, 3, 2, 3], ['f64x2.promote_low_f32x4'], ['local.tee', v0], ['local.get', v0], ['f64x2.mul']);
  f.ops(['local.get', i], ['local.get', i], ['i8x16.shuffle', 2, 3, 2, 3], ['f64x2.promote_low_f32x4'], ['local.tee', v0], ['local.get', v0], ['f64x2.mul'], ['f64x2.add'], ['local.set', hi]);
  f.ops(['local.get', pow], ['local.get', g], ['i32.add']);
  f.ops(['local.get', lo], ['f32x4.demote_f64x2_zero'], ['local.get', hi], ['f32x4.demote_f64x2_zero'], ['i8x16.shuffle', 0, 1, 4, 5], ['v128.store', 0]);
  f.ops(['local.get', mag], ['local.get', g], ['i32.add']);
  f.ops(['local.get', lo], ['f64x2.sqrt'], ['f32x4.demote_f64x2_zero'], ['local.get', hi], ['f64x2.sqrt'], ['f32x4.demote_f64x2_zero'], ['i8x16.shuffle', 0, 1, 4, 5], ['v128.store', 0]);
  f.ops(['local.get', g], ['i32.const', 16], ['i32.add'], ['local.tee', g], ['local.get', end], ['i32.le_s'], ['br_if', 0], ['end']);
  return f;
}

/**
 * hpssMaskPacked(H, P, re, im, dst, half): librosa's harmonic soft mask (power 2, margin 1, split_zeros) in
 * float32, as numpy computes it on float32 arrays: Z = max(H, P) (1 where Z < tiny), mask = (H/Z)^2 /
 * ((H/Z)^2 + (P/Z)^2), 0.5 where Z < tiny. The masked spectrum (re, im times the mask) is written to dst in
 * PFFFT's ordered layout (dst[0] = DC, dst[1] = Nyquist, then re / im pairs), ready for the inverse transform.
 * Rows hold half + 4 floats; half a multiple of 4.
 */
export function hpssMaskPackedKernel(): FunctionBuilder {
  const f = new FunctionBuilder('hpssMaskPacked', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32'], []);
  const [H, P, re, im, dst, half] = [0, 1, 2, 3, 4, 5];
  const g = f.local('i32');
  const end = f.local('i32');
  const h = f.local('v128');
  const p = f.local('v128');
  const z = f.local('v128');
  const bad = f.local('v128');
  const a = f.local('v128');
  const m = f.local('v128');
  const mr = f.local('v128');
  const mi = f.local('v128');
  const o = f.local('i32');
  f.ops(['local.get', half], ['i32.const', 2], ['i32.shl'], ['local.set', end]);
  f.ops(['i32.const', 0], ['local.set', g], ['loop']);
  f.ops(['local.get', H], ['local.get', g], ['i32.add'], ['v128.load', 0], ['local.set', h]);
  f.ops(['local.get', P], ['local.get', g], ['i32.add'], ['v128.load', 0], ['local.set', p]);
  f.ops(['local.get', h], ['local.get', p], ['f32x4.pmax'], ['local.tee', z]);
  f.ops(['v128.const', TINY_F32, TINY_F32, TINY_F32, TINY_F32], ['f32x4.lt'], ['local.set', bad]);
  // z = bad ? 1 : z
  f.ops(['v128.const', 1, 1, 1, 1], ['local.get', z], ['local.get', bad], ['v128.bitselect'], ['local.set', z]);
  f.ops(['local.get', h], ['local.get', z], ['f32x4.div'], ['local.tee', a], ['local.get', a], ['f32x4.mul'], ['local.set', a]);
  f.ops(['local.get', p], ['local.get', z], ['f32x4.div'], ['local.tee', m], ['local.get', m], ['f32x4.mul'], ['local.set', m]);
  // mask = bad ? 0.5 : a / (a + r)
  f.ops(['v128.const', 0.5, 0.5, 0.5, 0.5], ['local.get', a], ['local.get', a], ['local.get', m], ['f32x4.add'], ['f32x4.div'], ['local.get', bad], ['v128.bitselect'], ['local.set', m]);
  f.ops(['local.get', re], ['local.get', g], ['i32.add'], ['v128.load', 0], ['local.get', m], ['f32x4.mul'], ['local.set', mr]);
  f.ops(['local.get', im], ['local.get', g], ['i32.add'], ['v128.load', 0], ['local.get', m], ['f32x4.mul'], ['local.set', mi]);
  f.ops(['local.get', g], ['local.get', end], ['i32.lt_s'], ['if']);
  f.ops(['local.get', dst], ['local.get', g], ['i32.const', 1], ['i32.shl'], ['i32.add'], ['local.tee', o]);
  f.ops(['local.get', mr], ['local.get', mi], ['i8x16.shuffle', 0, 4, 1, 5], ['v128.store', 0]);
  f.ops(['local.get', o], ['local.get', mr], ['local.get', mi], ['i8x16.shuffle', 2, 6, 3, 7], ['v128.store', 16]);
  f.ops(['else']);
  // the last group: its first lane is the Nyquist bin, whose real part goes to dst[1]
  f.ops(['local.get', dst], ['local.get', mr], ['f32x4.extract_lane', 0], ['f32.store', 4]);
  f.ops(['end']);
  f.ops(['local.get', g], ['i32.const', 16], ['i32.add'], ['local.tee', g], ['local.get', end], ['i32.le_s'], ['br_if', 0], ['end']);
  return f;
}
