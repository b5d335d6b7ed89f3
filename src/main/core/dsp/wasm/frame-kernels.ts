import { FunctionBuilder } from './wasm-assembler.ts';

const TINY_F32 = 1.1754943508222875e-38;

/**
 * spectralShape(mag, bins, df, out): of one magnitude spectrum (bins + 3 zero floats after it), writes three
 * float64 values to out: the centroid (0 for silence), the p = 2 bandwidth around it, and the 85% roll-off
 * frequency (NaN when never reached). Centroid and bandwidth sum in float64 two bins at a time (the order
 * differs from the scalar loop only in the last bits of a float64); the roll-off keeps numpy's sequential
 * float32 cumulative sum, so its threshold crossing is exactly librosa's.
 */
export function spectralShapeKernel(): FunctionBuilder {
  const f = new FunctionBuilder('spectralShape', ['i32', 'i32', 'f64', 'i32'], []);
  const [mag, bins, df, out] = [0, 1, 2, 3];
  const p = f.local('i32');
  const e = f.local('i32');
  const kv = f.local('v128');
  const x = f.local('v128');
  const sum = f.local('v128');
  const wsum = f.local('v128');
  const dfv = f.local('v128');
  const s = f.local('f64');
  const c = f.local('f64');
  const norm = f.local('v128');
  const acc = f.local('v128');
  const d = f.local('v128');
  const cv = f.local('v128');
  const total = f.local('f32');
  const thr = f.local('f32');
  const run = f.local('f32');
  const k = f.local('i32');
  // pairs of bins: p runs over byte offsets 0, 8, ... < e = 8 * ceil(bins / 2) (the padding floats are 0)
  f.ops(['local.get', bins], ['i32.const', 1], ['i32.add'], ['i32.const', 1], ['i32.shr_u'], ['i32.const', 3], ['i32.shl'], ['local.set', e]);
  f.ops(['local.get', df], ['f64x2.splat'], ['local.set', dfv]);
  // pass 1: sum and sum of k * df * m
  f.ops(['v128.const', 0, 0, 0, 0], ['local.tee', sum], ['local.set', wsum]);
  f.ops(['i32.const', 0], ['local.set', p], ['v128.const', 0, 0, 0, 0], ['local.set', kv]);
  f.ops(['local.get', kv], ['i32.const', 1], ['i32x4.replace_lane', 1], ['local.set', kv]);
  f.ops(['loop']);
  f.ops(['local.get', mag], ['local.get', p], ['i32.add'], ['v128.load64_zero', 0], ['f64x2.promote_low_f32x4'], ['local.set', x]);
  f.ops(['local.get', sum], ['local.get', x], ['f64x2.add'], ['local.set', sum]);
  f.ops(['local.get', kv], ['f64x2.convert_low_i32x4_s'], ['local.get', dfv], ['f64x2.mul'], ['local.get', x], ['f64x2.mul'], ['local.get', wsum], ['f64x2.add'], ['local.set', wsum]);
  f.ops(['local.get', kv], ['v128.const_i32', 2, 2, 0, 0], ['i32x4.add'], ['local.set', kv]);
  f.ops(['local.get', p], ['i32.const', 8], ['i32.add'], ['local.tee', p], ['local.get', e], ['i32.lt_s'], ['br_if', 0], ['end']);
  f.ops(['local.get', sum], ['f64x2.extract_lane', 0], ['local.get', sum], ['f64x2.extract_lane', 1], ['f64.add'], ['local.set', s]);
  // centroid = weighted / sum, 0 below float32's tiny
  f.ops(['local.get', s], ['f64.const', TINY_F32], ['f64.lt']);
  f.ops(['if'], ['f64.const', 0], ['local.set', c], ['else']);
  f.ops(['local.get', wsum], ['f64x2.extract_lane', 0], ['local.get', wsum], ['f64x2.extract_lane', 1], ['f64.add'], ['local.get', s], ['f64.div'], ['local.set', c], ['end']);
  f.ops(['local.get', out], ['local.get', c], ['f64.store', 0]);
  // pass 2: bandwidth = sqrt(sum (m / norm) (k df - c)^2), norm = sum (1 for silence)
  f.ops(['local.get', s], ['f64.const', TINY_F32], ['f64.lt'], ['if'], ['f64.const', 1], ['local.set', s], ['end']);
  f.ops(['local.get', s], ['f64x2.splat'], ['local.set', norm], ['local.get', c], ['f64x2.splat'], ['local.set', cv]);
  f.ops(['v128.const', 0, 0, 0, 0], ['local.set', acc], ['i32.const', 0], ['local.set', p], ['v128.const', 0, 0, 0, 0], ['local.set', kv]);
  f.ops(['local.get', kv], ['i32.const', 1], ['i32x4.replace_lane', 1], ['local.set', kv]);
  f.ops(['loop']);
  f.ops(['local.get', kv], ['f64x2.convert_low_i32x4_s'], ['local.get', dfv], ['f64x2.mul'], ['local.get', cv], ['f64x2.sub'], ['local.tee', d], ['local.get', d], ['f64x2.mul'], ['local.set', d]);
  f.ops(['local.get', mag], ['local.get', p], ['i32.add'], ['v128.load64_zero', 0], ['f64x2.promote_low_f32x4'], ['local.get', norm], ['f64x2.div'], ['local.get', d], ['f64x2.mul'], ['local.get', acc], ['f64x2.add'], ['local.set', acc]);
  f.ops(['local.get', kv], ['v128.const_i32', 2, 2, 0, 0], ['i32x4.add'], ['local.set', kv]);
  f.ops(['local.get', p], ['i32.const', 8], ['i32.add'], ['local.tee', p], ['local.get', e], ['i32.lt_s'], ['br_if', 0], ['end']);
  f.ops(['local.get', out], ['local.get', acc], ['f64x2.extract_lane', 0], ['local.get', acc], ['f64x2.extract_lane', 1], ['f64.add'], ['f64.sqrt'], ['f64.store', 8]);
  // roll-off: float32 running sums, sequential
  f.ops(['f32.const', 0], ['local.set', total], ['i32.const', 0], ['local.set', k], ['loop']);
  f.ops(['local.get', total], ['local.get', mag], ['local.get', k], ['i32.const', 2], ['i32.shl'], ['i32.add'], ['f32.load', 0], ['f32.add'], ['local.set', total]);
  f.ops(['local.get', k], ['i32.const', 1], ['i32.add'], ['local.tee', k], ['local.get', bins], ['i32.lt_s'], ['br_if', 0], ['end']);
  // threshold = fround(0.85 * total), the product in float64 as rolloffFrame computes it
  f.ops(['f64.const', 0.85], ['local.get', total], ['f64.promote_f32'], ['f64.mul'], ['f32.demote_f64'], ['local.set', thr]);
  f.ops(['local.get', out], ['f64.const', NaN], ['f64.store', 16]);
  f.ops(['f32.const', 0], ['local.set', run], ['i32.const', 0], ['local.set', k]);
  f.ops(['block'], ['loop']);
  f.ops(['local.get', run], ['local.get', mag], ['local.get', k], ['i32.const', 2], ['i32.shl'], ['i32.add'], ['f32.load', 0], ['f32.add'], ['local.tee', run]);
  f.ops(['local.get', thr], ['f32.ge'], ['if'], ['local.get', out], ['local.get', k], ['f64.convert_i32_s'], ['local.get', df], ['f64.mul'], ['f64.store', 16], ['br', 2], ['end']);
  f.ops(['local.get', k], ['i32.const', 1], ['i32.add'], ['local.tee', k], ['local.get', bins], ['i32.lt_s'], ['br_if', 0], ['end'], ['end']);
  return f;
}

/**
 * chroma12(fbT, pow, out, pairs): 12 chroma values of one power spectrum, divided by their largest magnitude
 * (norm=inf), as float32. fbT is the chroma filterbank in float64, bin pairs outer, chroma inner:
 * fbT[(p * 12 + c) * 2 + j] = weight of chroma c at bin 2p + j. Float64 accumulation (12 running sums of
 * two lanes each: the order differs from a scalar loop only in a float64's last bits).
 */
export function chroma12Kernel(): FunctionBuilder {
  const f = new FunctionBuilder('chroma12', ['i32', 'i32', 'i32', 'i32'], []);
  const [fbT, pow, out, pairs] = [0, 1, 2, 3];
  const acc = Array.from({ length: 12 }, () => f.local('v128'));
  const x = f.local('v128');
  const p = f.local('i32');
  const wp = f.local('i32');
  const row = Array.from({ length: 12 }, () => f.local('f64'));
  const max = f.local('f64');
  for (const a of acc) f.ops(['v128.const', 0, 0, 0, 0], ['local.set', a]);
  f.ops(['local.get', fbT], ['local.set', wp], ['i32.const', 0], ['local.set', p], ['loop']);
  f.ops(['local.get', pow], ['local.get', p], ['i32.const', 3], ['i32.shl'], ['i32.add'], ['v128.load64_zero', 0], ['f64x2.promote_low_f32x4'], ['local.set', x]);
  for (let c = 0; c < 12; c++) f.ops(['local.get', acc[c]], ['local.get', wp], ['v128.load', c * 16], ['local.get', x], ['f64x2.mul'], ['f64x2.add'], ['local.set', acc[c]]);
  f.ops(['local.get', wp], ['i32.const', 12 * 16], ['i32.add'], ['local.set', wp]);
  f.ops(['local.get', p], ['i32.const', 1], ['i32.add'], ['local.tee', p], ['local.get', pairs], ['i32.lt_s'], ['br_if', 0], ['end']);
  f.ops(['f64.const', 0], ['local.set', max]);
  for (let c = 0; c < 12; c++) {
    f.ops(['local.get', acc[c]], ['f64x2.extract_lane', 0], ['local.get', acc[c]], ['f64x2.extract_lane', 1], ['f64.add'], ['local.tee', row[c]]);
    f.ops(['f64.abs'], ['local.get', max], ['f64.max'], ['local.set', max]);
  }
  f.ops(['local.get', max], ['f64.const', TINY_F32], ['f64.lt'], ['if'], ['f64.const', 1], ['local.set', max], ['end']);
  for (let c = 0; c < 12; c++) f.ops(['local.get', out], ['local.get', row[c]], ['local.get', max], ['f64.div'], ['f32.demote_f64'], ['f32.store', c * 4]);
  return f;
}

/**
 * mfccFloor(D, db, n, nOut, floor, floor32, scratch, out): nOut DCT-II coefficients (D: nOut x n float64,
 * row-major) of one dB frame (n float32 values, n even) after power_to_db's floor: values x < floor (float64
 * comparison) become floor32. Float64 accumulation, float32 results. scratch: n float64.
 */
export function mfccFloorKernel(): FunctionBuilder {
  const f = new FunctionBuilder('mfccFloor', ['i32', 'i32', 'i32', 'i32', 'f64', 'f64', 'i32', 'i32'], []);
  const [D, db, n, nOut, floor, floor32, scratch, out] = [0, 1, 2, 3, 4, 5, 6, 7];
  const p = f.local('i32');
  const e = f.local('i32');
  const x = f.local('v128');
  const fl = f.local('v128');
  const fl32 = f.local('v128');
  const acc = f.local('v128');
  const k = f.local('i32');
  const dp = f.local('i32');
  f.ops(['local.get', floor], ['f64x2.splat'], ['local.set', fl], ['local.get', floor32], ['f64x2.splat'], ['local.set', fl32]);
  f.ops(['local.get', n], ['i32.const', 3], ['i32.shl'], ['local.set', e]);
  // clamp and widen: scratch[i] = x < floor ? floor32 : x
  f.ops(['i32.const', 0], ['local.set', p], ['loop']);
  f.ops(['local.get', db], ['local.get', p], ['i32.const', 1], ['i32.shr_u'], ['i32.add'], ['v128.load64_zero', 0], ['f64x2.promote_low_f32x4'], ['local.set', x]);
  f.ops(['local.get', scratch], ['local.get', p], ['i32.add'], ['local.get', fl32], ['local.get', x], ['local.get', x], ['local.get', fl], ['f64x2.lt'], ['v128.bitselect'], ['v128.store', 0]);
  f.ops(['local.get', p], ['i32.const', 16], ['i32.add'], ['local.tee', p], ['local.get', e], ['i32.lt_s'], ['br_if', 0], ['end']);
  f.ops(['local.get', D], ['local.set', dp], ['i32.const', 0], ['local.set', k], ['loop']);
  f.ops(['v128.const', 0, 0, 0, 0], ['local.set', acc], ['i32.const', 0], ['local.set', p], ['loop']);
  f.ops(['local.get', acc], ['local.get', dp], ['local.get', p], ['i32.add'], ['v128.load', 0], ['local.get', scratch], ['local.get', p], ['i32.add'], ['v128.load', 0], ['f64x2.mul'], ['f64x2.add'], ['local.set', acc]);
  f.ops(['local.get', p], ['i32.const', 16], ['i32.add'], ['local.tee', p], ['local.get', e], ['i32.lt_s'], ['br_if', 0], ['end']);
  f.ops(['local.get', out], ['local.get', k], ['i32.const', 2], ['i32.shl'], ['i32.add'], ['local.get', acc], ['f64x2.extract_lane', 0], ['local.get', acc], ['f64x2.extract_lane', 1], ['f64.add'], ['f32.demote_f64'], ['f32.store', 0]);
  f.ops(['local.get', dp], ['local.get', e], ['i32.add'], ['local.set', dp]);
  f.ops(['local.get', k], ['i32.const', 1], ['i32.add'], ['local.tee', k], ['local.get', nOut], ['i32.lt_s'], ['br_if', 0], ['end']);
  return f;
}

/**
 * olaAdd(frame, ws, w2, y, w, count): overlap-add of count samples (count even): y[i] += frame[i] * ws[i] and
 * w[i] += w2[i] (frame float32; ws, w2, y, w float64), as librosa's istft accumulates the windowed inverse
 * transforms and the squared window.
 */
export function olaAddKernel(): FunctionBuilder {
  const f = new FunctionBuilder('olaAdd', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32'], []);
  const [frame, ws, w2, y, w, count] = [0, 1, 2, 3, 4, 5];
  const i = f.local('i32');
  const e = f.local('i32');
  const o = f.local('i32');
  f.ops(['local.get', count], ['i32.const', 3], ['i32.shl'], ['local.set', e], ['i32.const', 0], ['local.set', i], ['loop']);
  f.ops(['local.get', y], ['local.get', i], ['i32.add'], ['local.tee', o]);
  f.ops(['local.get', o], ['v128.load', 0], ['local.get', frame], ['local.get', i], ['i32.const', 1], ['i32.shr_u'], ['i32.add'], ['v128.load64_zero', 0], ['f64x2.promote_low_f32x4']);
  f.ops(['local.get', ws], ['local.get', i], ['i32.add'], ['v128.load', 0], ['f64x2.mul'], ['f64x2.add'], ['v128.store', 0]);
  f.ops(['local.get', w], ['local.get', i], ['i32.add'], ['local.tee', o], ['local.get', o], ['v128.load', 0], ['local.get', w2], ['local.get', i], ['i32.add'], ['v128.load', 0], ['f64x2.add'], ['v128.store', 0]);
  f.ops(['local.get', i], ['i32.const', 16], ['i32.add'], ['local.tee', i], ['local.get', e], ['i32.lt_s'], ['br_if', 0], ['end']);
  return f;
}

/**
 * hpssFlush(y, w, samples, count, sums): finishes count (even) samples of the inverse STFT: h = y / w where
 * w > float32's tiny (else y), rounded to float32; p = sample - h in float32 (the percussive part: the masks
 * sum to 1); adds h, h^2, p, p^2 (float64) to sums[0..3] and zeroes y and w for the ring's next turn.
 */
export function hpssFlushKernel(): FunctionBuilder {
  const f = new FunctionBuilder('hpssFlush', ['i32', 'i32', 'i32', 'i32', 'i32'], []);
  const [y, w, samples, count, sums] = [0, 1, 2, 3, 4];
  const i = f.local('i32');
  const e = f.local('i32');
  const yv = f.local('v128');
  const wv = f.local('v128');
  const h32 = f.local('v128');
  const h = f.local('v128');
  const p = f.local('v128');
  const sh = f.local('v128');
  const sh2 = f.local('v128');
  const sp = f.local('v128');
  const sp2 = f.local('v128');
  for (const a of [sh, sh2, sp, sp2]) f.ops(['v128.const', 0, 0, 0, 0], ['local.set', a]);
  f.ops(['local.get', count], ['i32.const', 3], ['i32.shl'], ['local.set', e], ['i32.const', 0], ['local.set', i], ['loop']);
  f.ops(['local.get', y], ['local.get', i], ['i32.add'], ['v128.load', 0], ['local.set', yv]);
  f.ops(['local.get', w], ['local.get', i], ['i32.add'], ['v128.load', 0], ['local.set', wv]);
  // h = w > tiny ? y / w : y, rounded to float32 (lanes 0, 1); p = sample - h in float32
  f.ops(['local.get', yv], ['local.get', wv], ['f64x2.div'], ['local.get', yv], ['local.get', wv], ['v128.const_f64', TINY_F32, TINY_F32], ['f64x2.gt'], ['v128.bitselect']);
  f.ops(['f32x4.demote_f64x2_zero'], ['local.tee', h32], ['f64x2.promote_low_f32x4'], ['local.set', h]);
  f.ops(['local.get', samples], ['local.get', i], ['i32.const', 1], ['i32.shr_u'], ['i32.add'], ['v128.load64_zero', 0], ['local.get', h32], ['f32x4.sub'], ['f64x2.promote_low_f32x4'], ['local.set', p]);
  f.ops(['local.get', sh], ['local.get', h], ['f64x2.add'], ['local.set', sh]);
  f.ops(['local.get', sh2], ['local.get', h], ['local.get', h], ['f64x2.mul'], ['f64x2.add'], ['local.set', sh2]);
  f.ops(['local.get', sp], ['local.get', p], ['f64x2.add'], ['local.set', sp]);
  f.ops(['local.get', sp2], ['local.get', p], ['local.get', p], ['f64x2.mul'], ['f64x2.add'], ['local.set', sp2]);
  f.ops(['local.get', y], ['local.get', i], ['i32.add'], ['v128.const', 0, 0, 0, 0], ['v128.store', 0]);
  f.ops(['local.get', w], ['local.get', i], ['i32.add'], ['v128.const', 0, 0, 0, 0], ['v128.store', 0]);
  f.ops(['local.get', i], ['i32.const', 16], ['i32.add'], ['local.tee', i], ['local.get', e], ['i32.lt_s'], ['br_if', 0], ['end']);
  const sumsList = [sh, sh2, sp, sp2];
  for (let j = 0; j < 4; j++) {
    f.ops(['local.get', sums], ['local.get', sumsList[j]], ['f64x2.extract_lane', 0], ['local.get', sumsList[j]], ['f64x2.extract_lane', 1], ['f64.add'], ['f64.store', j * 8]);
  }
  return f;
}

/**
 * piptrack(row, bins, kLo, kHi, threshold, sr, nFft, outPitch, outMag) -> count: piptrackFrame on one power
 * spectrum for bins kLo <= k < kHi (the caller turns fmin / fmax into those bounds exactly as piptrackFrame
 * tests them), writing each peak's interpolated frequency and magnitude (float32) and returning how many.
 * Every operation rounds where piptrackFrame rounds (float64 arithmetic, then Math.fround), so the peaks are
 * bit for bit the same (frequencies are (k + shift) * sr / nFft, in that order).
 */
export function piptrackKernel(): FunctionBuilder {
  const f = new FunctionBuilder('piptrack', ['i32', 'i32', 'i32', 'i32', 'f64', 'f64', 'f64', 'i32', 'i32'], ['i32']);
  const [row, bins, kLo, kHi, threshold, sr, nFft, outPitch, outMag] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const k = f.local('i32');
  const count = f.local('i32');
  const max = f.local('f32');
  const ref = f.local('f32');
  const a = f.local('f32');
  const b = f.local('f32');
  const d = f.local('f32');
  const avg = f.local('f32');
  const shift = f.local('f32');
  const p = f.local('i32');
  const vmax = f.local('v128');
  // the frame's maximum (order does not matter for a maximum)
  f.ops(['v128.const', 0, 0, 0, 0], ['local.set', vmax], ['i32.const', 0], ['local.set', k]);
  f.ops(['block'], ['local.get', bins], ['i32.const', 4], ['i32.lt_s'], ['br_if', 0], ['loop']);
  f.ops(['local.get', vmax], ['local.get', row], ['local.get', k], ['i32.const', 2], ['i32.shl'], ['i32.add'], ['v128.load', 0], ['f32x4.pmax'], ['local.set', vmax]);
  f.ops(['local.get', k], ['i32.const', 4], ['i32.add'], ['local.tee', k], ['i32.const', 4], ['i32.add'], ['local.get', bins], ['i32.le_s'], ['br_if', 0], ['end'], ['end']);
  f.ops(['local.get', vmax], ['f32x4.extract_lane', 0], ['local.get', vmax], ['f32x4.extract_lane', 1], ['f32.max'], ['local.get', vmax], ['f32x4.extract_lane', 2], ['local.get', vmax], ['f32x4.extract_lane', 3], ['f32.max'], ['f32.max'], ['local.set', max]);
  f.ops(['block'], ['local.get', k], ['local.get', bins], ['i32.ge_s'], ['br_if', 0], ['loop']);
  f.ops(['local.get', max], ['local.get', row], ['local.get', k], ['i32.const', 2], ['i32.shl'], ['i32.add'], ['f32.load', 0], ['f32.max'], ['local.set', max]);
  f.ops(['local.get', k], ['i32.const', 1], ['i32.add'], ['local.tee', k], ['local.get', bins], ['i32.lt_s'], ['br_if', 0], ['end'], ['end']);
  // ref = fround(threshold * max)
  f.ops(['local.get', threshold], ['local.get', max], ['f64.promote_f32'], ['f64.mul'], ['f32.demote_f64'], ['local.set', ref]);
  f.ops(['i32.const', 0], ['local.set', count], ['local.get', kLo], ['local.set', k]);
  f.ops(['block'], ['local.get', k], ['local.get', kHi], ['i32.ge_s'], ['br_if', 0], ['loop']);
  f.ops(['local.get', row], ['local.get', k], ['i32.const', 2], ['i32.shl'], ['i32.add'], ['local.tee', p], ['f32.load', 0], ['local.set', b]);
  f.ops(['local.get', p], ['i32.const', 4], ['i32.sub'], ['f32.load', 0], ['local.set', a]);
  f.ops(['local.get', p], ['f32.load', 4], ['local.set', d]);
  // local maximum of S * (S > ref): c > a' and c >= d'
  f.ops(['local.get', b], ['local.get', ref], ['f32.gt'], ['if']);
  f.ops(['local.get', b], ['local.get', a], ['f32.const', 0], ['local.get', a], ['local.get', ref], ['f32.gt'], ['select'], ['f32.gt']);
  f.ops(['local.get', b], ['local.get', d], ['f32.const', 0], ['local.get', d], ['local.get', ref], ['f32.gt'], ['select'], ['f32.ge'], ['i32.and'], ['if']);
  // avg = fround(0.5 * fround(d - a))
  f.ops(['f64.const', 0.5], ['local.get', d], ['f64.promote_f32'], ['local.get', a], ['f64.promote_f32'], ['f64.sub'], ['f32.demote_f64'], ['f64.promote_f32'], ['f64.mul'], ['f32.demote_f64'], ['local.set', avg]);
  // shift = fround(fround(2 b) - d - a) (float64 operations)
  f.ops(['f64.const', 2], ['local.get', b], ['f64.promote_f32'], ['f64.mul'], ['f32.demote_f64'], ['f64.promote_f32'], ['local.get', d], ['f64.promote_f32'], ['f64.sub'], ['local.get', a], ['f64.promote_f32'], ['f64.sub'], ['f32.demote_f64'], ['local.set', shift]);
  // shift = fround(avg / (|shift| < tiny ? fround(shift + 1) : shift))
  f.ops(['local.get', avg], ['f64.promote_f32']);
  f.ops(['local.get', shift], ['f64.promote_f32'], ['f64.const', 1], ['f64.add'], ['f32.demote_f64'], ['local.get', shift], ['local.get', shift], ['f32.abs'], ['f32.const', TINY_F32], ['f32.lt'], ['select'], ['f64.promote_f32']);
  f.ops(['f64.div'], ['f32.demote_f64'], ['local.set', shift]);
  // pitch = fround((k + shift) * sr / nFft); mag = fround(b + fround(fround(0.5 avg) * shift))
  f.ops(['local.get', outPitch], ['local.get', count], ['i32.const', 2], ['i32.shl'], ['i32.add']);
  f.ops(['local.get', k], ['f64.convert_i32_s'], ['local.get', shift], ['f64.promote_f32'], ['f64.add'], ['local.get', sr], ['f64.mul'], ['local.get', nFft], ['f64.div'], ['f32.demote_f64'], ['f32.store', 0]);
  f.ops(['local.get', outMag], ['local.get', count], ['i32.const', 2], ['i32.shl'], ['i32.add']);
  f.ops(['local.get', b], ['f64.promote_f32']);
  f.ops(['f64.const', 0.5], ['local.get', avg], ['f64.promote_f32'], ['f64.mul'], ['f32.demote_f64'], ['f64.promote_f32'], ['local.get', shift], ['f64.promote_f32'], ['f64.mul'], ['f32.demote_f64'], ['f64.promote_f32']);
  f.ops(['f64.add'], ['f32.demote_f64'], ['f32.store', 0]);
  f.ops(['local.get', count], ['i32.const', 1], ['i32.add'], ['local.set', count]);
  f.ops(['end'], ['end']);
  f.ops(['local.get', k], ['i32.const', 1], ['i32.add'], ['local.tee', k], ['local.get', kHi], ['i32.lt_s'], ['br_if', 0], ['end'], ['end']);
  f.ops(['local.get', count]);
  return f;
}

/**
 * windowFrame(src, win, dst, n): dst[i] = fround(src[i] * win[i]) for n samples (n even; src, dst float32,
 * win float64): the windowed STFT input, rounded once as `input[i] = x[i] * w[i]` stores it.
 */
export function windowFrameKernel(): FunctionBuilder {
  const f = new FunctionBuilder('windowFrame', ['i32', 'i32', 'i32', 'i32'], []);
  const [src, win, dst, n] = [0, 1, 2, 3];
  const i = f.local('i32');
  const e = f.local('i32');
  f.ops(['local.get', n], ['i32.const', 2], ['i32.shl'], ['local.set', e], ['i32.const', 0], ['local.set', i], ['loop']);
  f.ops(['local.get', dst], ['local.get', i], ['i32.add']);
  f.ops(['local.get', src], ['local.get', i], ['i32.add'], ['v128.load64_zero', 0], ['f64x2.promote_low_f32x4']);
  f.ops(['local.get', win], ['local.get', i], ['i32.const', 1], ['i32.shl'], ['i32.add'], ['v128.load', 0], ['f64x2.mul'], ['f32x4.demote_f64x2_zero']);
  f.ops(['v128.store64_lane', 0, 0]);
  f.ops(['local.get', i], ['i32.const', 8], ['i32.add'], ['local.tee', i], ['local.get', e], ['i32.lt_s'], ['br_if', 0], ['end']);
  return f;
}

/**
 * blockStats(src, n, out): for n samples (n a multiple of 4) preceded in memory by at least one sample, the sum
 * of squares (float64, out[0]) and the number of sign changes between consecutive samples, the first one with
 * the sample before src (i32, at out + 8); a sample counts as negative when x < -fround(1e-10), as
 * zero_crossing_rate's threshold makes tiny values 0.
 */
export function blockStatsKernel(): FunctionBuilder {
  const f = new FunctionBuilder('blockStats', ['i32', 'i32', 'i32'], []);
  const [src, n, out] = [0, 1, 2];
  const i = f.local('i32');
  const e = f.local('i32');
  const x = f.local('v128');
  const p = f.local('v128');
  const d = f.local('v128');
  const sq = f.local('v128');
  const cross = f.local('v128');
  const thr = f.local('v128');
  const t = -Math.fround(1e-10);
  f.ops(['v128.const', t, t, t, t], ['local.set', thr]);
  f.ops(['v128.const', 0, 0, 0, 0], ['local.tee', sq], ['local.set', cross]);
  f.ops(['local.get', n], ['i32.const', 2], ['i32.shl'], ['local.set', e], ['i32.const', 0], ['local.set', i], ['loop']);
  f.ops(['local.get', src], ['local.get', i], ['i32.add'], ['v128.load', 0], ['local.set', x]);
  f.ops(['local.get', src], ['local.get', i], ['i32.add'], ['i32.const', 4], ['i32.sub'], ['v128.load', 0], ['local.set', p]);
  // squares in float64, two lanes at a time
  f.ops(['local.get', x], ['f64x2.promote_low_f32x4'], ['local.tee', d], ['local.get', d], ['f64x2.mul'], ['local.get', sq], ['f64x2.add'], ['local.set', sq]);
  f.ops(['local.get', x], ['local.get', x], ['i8x16.shuffle', 2, 3, 2, 3], ['f64x2.promote_low_f32x4'], ['local.tee', d], ['local.get', d], ['f64x2.mul'], ['local.get', sq], ['f64x2.add'], ['local.set', sq]);
  // sign changes: the masks (all ones where negative) of x and of the previous samples differ
  f.ops(['local.get', cross], ['local.get', x], ['local.get', thr], ['f32x4.lt'], ['local.get', p], ['local.get', thr], ['f32x4.lt'], ['v128.xor'], ['i32x4.sub'], ['local.set', cross]);
  f.ops(['local.get', i], ['i32.const', 16], ['i32.add'], ['local.tee', i], ['local.get', e], ['i32.lt_s'], ['br_if', 0], ['end']);
  f.ops(['local.get', out], ['local.get', sq], ['f64x2.extract_lane', 0], ['local.get', sq], ['f64x2.extract_lane', 1], ['f64.add'], ['f64.store', 0]);
  f.ops(['local.get', out]);
  f.ops(['local.get', cross], ['i32x4.extract_lane', 0], ['local.get', cross], ['i32x4.extract_lane', 1], ['i32.add']);
  f.ops(['local.get', cross], ['i32x4.extract_lane', 2], ['local.get', cross], ['i32x4.extract_lane', 3], ['i32.add'], ['i32.add']);
  f.ops(['i32.store', 8]);
  return f;
}

/**
 * powerSpectrum(src, pow, half): the power spectrum (half + 1 bins, then zeros to a multiple of 4) of PFFFT's
 * ordered real-FFT output, each bin Math.fround(re * re + im * im) computed in float64 (as unpackSpectrum, without
 * the other rows).
 */
export function powerSpectrumKernel(): FunctionBuilder {
  const f = new FunctionBuilder('powerSpectrum', ['i32', 'i32', 'i32'], []);
  const [src, pow, half] = [0, 1, 2];
  const g = f.local('i32');
  const end = f.local('i32');
  const v0 = f.local('v128');
  const v1 = f.local('v128');
  const r = f.local('v128');
  const im = f.local('v128');
  const d = f.local('v128');
  const lo = f.local('v128');
  const nyq = f.local('f64');
  f.ops(['local.get', half], ['i32.const', 2], ['i32.shl'], ['local.set', end]);
  f.ops(['i32.const', 0], ['local.set', g], ['loop']);
  f.ops(['local.get', src], ['local.get', g], ['i32.const', 1], ['i32.shl'], ['i32.add'], ['v128.load', 0], ['local.set', v0]);
  f.ops(['local.get', src], ['local.get', g], ['i32.const', 1], ['i32.shl'], ['i32.add'], ['v128.load', 16], ['local.set', v1]);
  f.ops(['local.get', v0], ['local.get', v1], ['i8x16.shuffle', 0, 2, 4, 6], ['local.set', r]);
  f.ops(['local.get', v0], ['local.get', v1], ['i8x16.shuffle', 1, 3, 5, 7], ['local.set', im]);
  // group 0: lane 0 of im holds the Nyquist bin's real part; the DC bin has no imaginary part
  f.ops(['local.get', g], ['i32.eqz'], ['if'], ['local.get', im], ['f32.const', 0], ['f32x4.replace_lane', 0], ['local.set', im], ['end']);
  f.ops(['local.get', r], ['f64x2.promote_low_f32x4'], ['local.tee', d], ['local.get', d], ['f64x2.mul']);
  f.ops(['local.get', im], ['f64x2.promote_low_f32x4'], ['local.tee', d], ['local.get', d], ['f64x2.mul'], ['f64x2.add'], ['local.set', lo]);
  f.ops(['local.get', pow], ['local.get', g], ['i32.add']);
  f.ops(['local.get', lo], ['f32x4.demote_f64x2_zero']);
  f.ops(['local.get', r], ['local.get', r], ['i8x16.shuffle', 2, 3, 2, 3], ['f64x2.promote_low_f32x4'], ['local.tee', d], ['local.get', d], ['f64x2.mul']);
  f.ops(['local.get', im], ['local.get', im], ['i8x16.shuffle', 2, 3, 2, 3], ['f64x2.promote_low_f32x4'], ['local.tee', d], ['local.get', d], ['f64x2.mul'], ['f64x2.add'], ['f32x4.demote_f64x2_zero']);
  f.ops(['i8x16.shuffle', 0, 1, 4, 5], ['v128.store', 0]);
  f.ops(['local.get', g], ['i32.const', 16], ['i32.add'], ['local.tee', g], ['local.get', end], ['i32.lt_s'], ['br_if', 0], ['end']);
  // the Nyquist bin (src[1]), then zeros
  f.ops(['local.get', pow], ['local.get', end], ['i32.add'], ['v128.const', 0, 0, 0, 0], ['v128.store', 0]);
  f.ops(['local.get', pow], ['local.get', end], ['i32.add'], ['local.get', src], ['f32.load', 4], ['f64.promote_f32'], ['local.tee', nyq], ['local.get', nyq], ['f64.mul'], ['f32.demote_f64'], ['f32.store', 0]);
  return f;
}

/**
 * melBandPairs(pow, table, meta, out, pairs): a mel filterbank applied to one power spectrum, two bands at a
 * time, one per float64 lane (float64 accumulation in bin order, rounded once to float32, as melFrame). Pair q covers
 * bands 2q and 2q + 1 over the union of their bin ranges: meta[3q .. 3q + 2] = (first bin, bin count, byte offset
 * of the pair's weights in `table`), the weights float64 pairs (band 2q, band 2q + 1), 0 outside a band's range.
 * Each band still adds its products in bin order (the extra terms add exactly 0): bit for bit melFrame, with
 * two independent chains per loop.
 */
export function melBandPairsKernel(): FunctionBuilder {
  const f = new FunctionBuilder('melBandPairs', ['i32', 'i32', 'i32', 'i32', 'i32'], []);
  const [pow, table, meta, out, pairs] = [0, 1, 2, 3, 4];
  const q = f.local('i32');
  const pp = f.local('i32');
  const wp = f.local('i32');
  const e = f.local('i32');
  const acc = f.local('v128');
  f.ops(['i32.const', 0], ['local.set', q], ['loop']);
  f.ops(['local.get', pow], ['local.get', meta], ['i32.load', 0], ['i32.const', 2], ['i32.shl'], ['i32.add'], ['local.tee', pp]);
  f.ops(['local.get', meta], ['i32.load', 4], ['i32.const', 2], ['i32.shl'], ['i32.add'], ['local.set', e]);
  f.ops(['local.get', table], ['local.get', meta], ['i32.load', 8], ['i32.add'], ['local.set', wp]);
  f.ops(['v128.const', 0, 0, 0, 0], ['local.set', acc]);
  f.ops(['block'], ['local.get', pp], ['local.get', e], ['i32.ge_s'], ['br_if', 0], ['loop']);
  f.ops(['local.get', acc], ['local.get', wp], ['v128.load', 0], ['local.get', pp], ['f32.load', 0], ['f64.promote_f32'], ['f64x2.splat'], ['f64x2.mul'], ['f64x2.add'], ['local.set', acc]);
  f.ops(['local.get', wp], ['i32.const', 16], ['i32.add'], ['local.set', wp]);
  f.ops(['local.get', pp], ['i32.const', 4], ['i32.add'], ['local.tee', pp], ['local.get', e], ['i32.lt_s'], ['br_if', 0], ['end'], ['end']);
  f.ops(['local.get', out], ['local.get', acc], ['f32x4.demote_f64x2_zero'], ['v128.store64_lane', 0, 0]);
  f.ops(['local.get', meta], ['i32.const', 12], ['i32.add'], ['local.set', meta]);
  f.ops(['local.get', out], ['i32.const', 8], ['i32.add'], ['local.set', out]);
  f.ops(['local.get', q], ['i32.const', 1], ['i32.add'], ['local.tee', q], ['local.get', pairs], ['i32.lt_s'], ['br_if', 0], ['end']);
  return f;
}

/**
 * evenPowerPacked(src, dst, half): from PFFFT's ordered forward output of an n = 2 half point real FFT, the
 * power spectrum as the ordered input of the inverse transform of a real, even spectrum: dst[0] = DC^2,
 * dst[1] = Nyquist^2, dst[2k] = re_k^2 + im_k^2, dst[2k + 1] = 0 (float64 sums rounded to float32).
 */
export function evenPowerPackedKernel(): FunctionBuilder {
  const f = new FunctionBuilder('evenPowerPacked', ['i32', 'i32', 'i32'], []);
  const [src, dst, half] = [0, 1, 2];
  const i = f.local('i32');
  const e = f.local('i32');
  const v = f.local('v128');
  const sq = f.local('v128');
  const dc = f.local('f64');
  const nyq = f.local('f64');
  f.ops(['local.get', src], ['f32.load', 0], ['f64.promote_f32'], ['local.set', dc]);
  f.ops(['local.get', src], ['f32.load', 4], ['f64.promote_f32'], ['local.set', nyq]);
  f.ops(['local.get', half], ['i32.const', 3], ['i32.shl'], ['local.set', e], ['i32.const', 0], ['local.set', i], ['loop']);
  // one (re, im) pair per 8 bytes: (re^2 + im^2, 0)
  f.ops(['local.get', src], ['local.get', i], ['i32.add'], ['v128.load64_zero', 0], ['f64x2.promote_low_f32x4'], ['local.tee', v], ['local.get', v], ['f64x2.mul'], ['local.set', sq]);
  f.ops(['local.get', dst], ['local.get', i], ['i32.add']);
  f.ops(['local.get', sq], ['f64x2.extract_lane', 0], ['local.get', sq], ['f64x2.extract_lane', 1], ['f64.add'], ['f32.demote_f64'], ['f32x4.splat'], ['f32.const', 0], ['f32x4.replace_lane', 1]);
  f.ops(['v128.store64_lane', 0, 0]);
  f.ops(['local.get', i], ['i32.const', 8], ['i32.add'], ['local.tee', i], ['local.get', e], ['i32.lt_s'], ['br_if', 0], ['end']);
  f.ops(['local.get', dst], ['local.get', dc], ['local.get', dc], ['f64.mul'], ['f32.demote_f64'], ['f32.store', 0]);
  f.ops(['local.get', dst], ['local.get', nyq], ['local.get', nyq], ['f64.mul'], ['f32.demote_f64'], ['f32.store', 4]);
  return f;
}

/**
 * normalizeAc(ac, n, size, out, sums): an autocorrelation from an unscaled size-point inverse FFT (size times
 * the true values), lags 0 .. n-1, divided by its largest magnitude (or by size, i.e. left as is, when that
 * maximum over size is below float32's tiny), written as float32 to out; when sums is not 0, each written value
 * is also added (float64) to sums[0 .. n).
 */
export function normalizeAcKernel(): FunctionBuilder {
  const f = new FunctionBuilder('normalizeAc', ['i32', 'i32', 'f64', 'i32', 'i32'], []);
  const [ac, n, size, out, sums] = [0, 1, 2, 3, 4];
  const i = f.local('i32');
  const e = f.local('i32');
  const vmax = f.local('v128');
  const max = f.local('f64');
  const div = f.local('v128');
  const v = f.local('v128');
  const addr = f.local('i32');
  // n is even; a maximum of magnitudes does not depend on the order
  f.ops(['local.get', n], ['i32.const', 2], ['i32.shl'], ['local.set', e]);
  f.ops(['v128.const', 0, 0, 0, 0], ['local.set', vmax], ['i32.const', 0], ['local.set', i], ['loop']);
  f.ops(['local.get', vmax], ['local.get', ac], ['local.get', i], ['i32.add'], ['v128.load64_zero', 0], ['f32x4.abs'], ['f32x4.pmax'], ['local.set', vmax]);
  f.ops(['local.get', i], ['i32.const', 8], ['i32.add'], ['local.tee', i], ['local.get', e], ['i32.lt_s'], ['br_if', 0], ['end']);
  f.ops(['local.get', vmax], ['f32x4.extract_lane', 0], ['local.get', vmax], ['f32x4.extract_lane', 1], ['f32.max'], ['f64.promote_f32'], ['local.set', max]);
  // divide by the maximum, or by size (leaving the true autocorrelation) when the maximum over size is below tiny
  f.ops(['local.get', max], ['local.get', size], ['f64.div'], ['f64.const', TINY_F32], ['f64.lt'], ['if'], ['local.get', size], ['f64x2.splat'], ['local.set', div], ['else'], ['local.get', max], ['f64x2.splat'], ['local.set', div], ['end']);
  f.ops(['i32.const', 0], ['local.set', i], ['loop']);
  f.ops(['local.get', ac], ['local.get', i], ['i32.add'], ['v128.load64_zero', 0], ['f64x2.promote_low_f32x4'], ['local.get', div], ['f64x2.div'], ['f32x4.demote_f64x2_zero'], ['local.set', v]);
  f.ops(['local.get', out], ['local.get', i], ['i32.add'], ['local.get', v], ['v128.store64_lane', 0, 0]);
  f.ops(['local.get', sums], ['if']);
  f.ops(['local.get', sums], ['local.get', i], ['i32.const', 1], ['i32.shl'], ['i32.add'], ['local.tee', addr]);
  f.ops(['local.get', addr], ['v128.load', 0], ['local.get', v], ['f64x2.promote_low_f32x4'], ['f64x2.add'], ['v128.store', 0]);
  f.ops(['end']);
  f.ops(['local.get', i], ['i32.const', 8], ['i32.add'], ['local.tee', i], ['local.get', e], ['i32.lt_s'], ['br_if', 0], ['end']);
  return f;
}
