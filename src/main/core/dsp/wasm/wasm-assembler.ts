/**
 * A small WebAssembly assembler: enough of the binary format (types, an imported memory, functions, exports)
 * and of the instruction set (integer, float, control flow and the 128-bit SIMD operations) to write the DSP
 * kernels in TypeScript and compile them when the module loads. No toolchain, no .wasm file in the repository:
 * the kernels are generated code, readable next to their generator.
 */

export type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128';

const VALTYPE: Record<ValType, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b };

type Imm = 'none' | 'u32' | 's32' | 'f32' | 'f64' | 'mem' | 'lane' | 'memlane' | 'block' | 'v128' | 'v128i' | 'v128d' | 'shuffle';

/** Opcode table: [prefix (0 = none, 0xfd = SIMD), opcode, immediate kind]. */
const OPS = {
  // control
  unreachable: [0, 0x00, 'none'],
  nop: [0, 0x01, 'none'],
  block: [0, 0x02, 'block'],
  loop: [0, 0x03, 'block'],
  if: [0, 0x04, 'block'],
  else: [0, 0x05, 'none'],
  end: [0, 0x0b, 'none'],
  br: [0, 0x0c, 'u32'],
  br_if: [0, 0x0d, 'u32'],
  return: [0, 0x0f, 'none'],
  call: [0, 0x10, 'u32'],
  drop: [0, 0x1a, 'none'],
  select: [0, 0x1b, 'none'],
  'local.get': [0, 0x20, 'u32'],
  'local.set': [0, 0x21, 'u32'],
  'local.tee': [0, 0x22, 'u32'],
  // memory
  'i32.load': [0, 0x28, 'mem'],
  'f32.load': [0, 0x2a, 'mem'],
  'f64.load': [0, 0x2b, 'mem'],
  'i32.store': [0, 0x36, 'mem'],
  'f32.store': [0, 0x38, 'mem'],
  'f64.store': [0, 0x39, 'mem'],
  // constants
  'i32.const': [0, 0x41, 's32'],
  // i64 constants within the int32 range encode like i32 ones
  'i64.const': [0, 0x42, 's32'],
  'f32.const': [0, 0x43, 'f32'],
  'f64.const': [0, 0x44, 'f64'],
  // i32
  'i32.eqz': [0, 0x45, 'none'],
  'i32.eq': [0, 0x46, 'none'],
  'i32.ne': [0, 0x47, 'none'],
  'i32.lt_s': [0, 0x48, 'none'],
  'i32.lt_u': [0, 0x49, 'none'],
  'i32.gt_s': [0, 0x4a, 'none'],
  'i32.gt_u': [0, 0x4b, 'none'],
  'i32.le_s': [0, 0x4c, 'none'],
  'i32.ge_s': [0, 0x4e, 'none'],
  'i32.add': [0, 0x6a, 'none'],
  'i32.sub': [0, 0x6b, 'none'],
  'i32.mul': [0, 0x6c, 'none'],
  'i32.and': [0, 0x71, 'none'],
  'i32.or': [0, 0x72, 'none'],
  'i32.shl': [0, 0x74, 'none'],
  'i32.shr_s': [0, 0x75, 'none'],
  'i32.shr_u': [0, 0x76, 'none'],
  'i32.xor': [0, 0x73, 'none'],
  'i64.or': [0, 0x84, 'none'],
  'i64.shl': [0, 0x86, 'none'],
  'i64.shr_u': [0, 0x88, 'none'],
  'i32.wrap_i64': [0, 0xa7, 'none'],
  'i64.extend_i32_u': [0, 0xad, 'none'],
  'i64.reinterpret_f64': [0, 0xbd, 'none'],
  'f64.reinterpret_i64': [0, 0xbf, 'none'],
  'f64.eq': [0, 0x61, 'none'],
  // f32 / f64 scalars
  'f32.lt': [0, 0x5d, 'none'],
  'f32.gt': [0, 0x5e, 'none'],
  'f32.ge': [0, 0x60, 'none'],
  'f64.lt': [0, 0x63, 'none'],
  'f64.gt': [0, 0x64, 'none'],
  'f32.abs': [0, 0x8b, 'none'],
  'f32.sqrt': [0, 0x91, 'none'],
  'f32.add': [0, 0x92, 'none'],
  'f32.sub': [0, 0x93, 'none'],
  'f32.mul': [0, 0x94, 'none'],
  'f32.div': [0, 0x95, 'none'],
  'f32.min': [0, 0x96, 'none'],
  'f32.max': [0, 0x97, 'none'],
  'f64.abs': [0, 0x99, 'none'],
  'f64.sqrt': [0, 0x9f, 'none'],
  'f64.add': [0, 0xa0, 'none'],
  'f64.sub': [0, 0xa1, 'none'],
  'f64.mul': [0, 0xa2, 'none'],
  'f64.div': [0, 0xa3, 'none'],
  'f64.min': [0, 0xa4, 'none'],
  'f64.max': [0, 0xa5, 'none'],
  'i32.trunc_f64_s': [0, 0xaa, 'none'],
  'f32.convert_i32_s': [0, 0xb2, 'none'],
  'f32.demote_f64': [0, 0xb6, 'none'],
  'f64.convert_i32_s': [0, 0xb7, 'none'],
  'f64.promote_f32': [0, 0xbb, 'none'],
  // SIMD (prefix 0xfd)
  'v128.load': [0xfd, 0x00, 'mem'],
  'v128.load32_splat': [0xfd, 0x09, 'mem'],
  'v128.load64_splat': [0xfd, 0x0a, 'mem'],
  'v128.store': [0xfd, 0x0b, 'mem'],
  'v128.const': [0xfd, 0x0c, 'v128'],
  'v128.const_i32': [0xfd, 0x0c, 'v128i'],
  'v128.const_f64': [0xfd, 0x0c, 'v128d'],
  'i8x16.shuffle': [0xfd, 0x0d, 'shuffle'],
  'i32x4.splat': [0xfd, 0x11, 'none'],
  'i32x4.extract_lane': [0xfd, 0x1b, 'lane'],
  'i32x4.replace_lane': [0xfd, 0x1c, 'lane'],
  'f32x4.splat': [0xfd, 0x13, 'none'],
  'f64x2.splat': [0xfd, 0x14, 'none'],
  'f32x4.extract_lane': [0xfd, 0x1f, 'lane'],
  'f32x4.replace_lane': [0xfd, 0x20, 'lane'],
  'f64x2.extract_lane': [0xfd, 0x21, 'lane'],
  'f64x2.replace_lane': [0xfd, 0x22, 'lane'],
  'i32x4.eq': [0xfd, 0x37, 'none'],
  'f32x4.eq': [0xfd, 0x41, 'none'],
  'f32x4.ne': [0xfd, 0x42, 'none'],
  'f32x4.lt': [0xfd, 0x43, 'none'],
  'f32x4.gt': [0xfd, 0x44, 'none'],
  'f32x4.le': [0xfd, 0x45, 'none'],
  'f32x4.ge': [0xfd, 0x46, 'none'],
  'f64x2.lt': [0xfd, 0x49, 'none'],
  'f64x2.gt': [0xfd, 0x4a, 'none'],
  'v128.not': [0xfd, 0x4d, 'none'],
  'v128.and': [0xfd, 0x4e, 'none'],
  'v128.andnot': [0xfd, 0x4f, 'none'],
  'v128.or': [0xfd, 0x50, 'none'],
  'v128.xor': [0xfd, 0x51, 'none'],
  'v128.bitselect': [0xfd, 0x52, 'none'],
  'v128.any_true': [0xfd, 0x53, 'none'],
  'v128.load32_lane': [0xfd, 0x56, 'memlane'],
  'v128.store32_lane': [0xfd, 0x5a, 'memlane'],
  'v128.store64_lane': [0xfd, 0x5b, 'memlane'],
  'v128.load32_zero': [0xfd, 0x5c, 'mem'],
  'v128.load64_zero': [0xfd, 0x5d, 'mem'],
  'f32x4.demote_f64x2_zero': [0xfd, 0x5e, 'none'],
  'f64x2.promote_low_f32x4': [0xfd, 0x5f, 'none'],
  'i32x4.bitmask': [0xfd, 0xa4, 'none'],
  'i32x4.add': [0xfd, 0xae, 'none'],
  'i32x4.sub': [0xfd, 0xb1, 'none'],
  'f32x4.abs': [0xfd, 0xe0, 'none'],
  'f32x4.neg': [0xfd, 0xe1, 'none'],
  'f32x4.sqrt': [0xfd, 0xe3, 'none'],
  'f32x4.add': [0xfd, 0xe4, 'none'],
  'f32x4.sub': [0xfd, 0xe5, 'none'],
  'f32x4.mul': [0xfd, 0xe6, 'none'],
  'f32x4.div': [0xfd, 0xe7, 'none'],
  'f32x4.min': [0xfd, 0xe8, 'none'],
  'f32x4.max': [0xfd, 0xe9, 'none'],
  'f32x4.pmin': [0xfd, 0xea, 'none'],
  'f32x4.pmax': [0xfd, 0xeb, 'none'],
  'f64x2.abs': [0xfd, 0xec, 'none'],
  'f64x2.sqrt': [0xfd, 0xef, 'none'],
  'f64x2.add': [0xfd, 0xf0, 'none'],
  'f64x2.sub': [0xfd, 0xf1, 'none'],
  'f64x2.mul': [0xfd, 0xf2, 'none'],
  'f64x2.div': [0xfd, 0xf3, 'none'],
  'f64x2.pmin': [0xfd, 0xf6, 'none'],
  'f64x2.pmax': [0xfd, 0xf7, 'none'],
  'i32x4.trunc_sat_f32x4_s': [0xfd, 0xf8, 'none'],
  'f64x2.convert_low_i32x4_s': [0xfd, 0xfe, 'none'],
  'f32x4.convert_i32x4_s': [0xfd, 0xfa, 'none'],
  // relaxed SIMD: the lane select is exact whenever the mask lanes are all-ones or all-zeros (comparison results)
  'i32x4.relaxed_laneselect': [0xfd, 0x10b, 'none'],
} as const satisfies Record<string, readonly [number, number, Imm]>;

export type Op = keyof typeof OPS;

function uleb(out: number[], v: number): void {
  v >>>= 0;
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
}

function sleb(out: number[], v: number): void {
  v |= 0;
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return;
    }
    out.push(b | 0x80);
  }
}

function name(out: number[], s: string): void {
  const bytes = new TextEncoder().encode(s);
  uleb(out, bytes.length);
  out.push(...bytes);
}

/** One function's body, written instruction by instruction. */
export class FunctionBuilder {
  readonly name: string;
  readonly params: ValType[];
  readonly results: ValType[];
  private readonly locals: ValType[] = [];
  private readonly code: number[] = [];

  constructor(fnName: string, params: ValType[], results: ValType[]) {
    this.name = fnName;
    this.params = params;
    this.results = results;
  }

  /** A new local of this type; returns its index (parameters come first). */
  local(type: ValType): number {
    this.locals.push(type);
    return this.params.length + this.locals.length - 1;
  }

  /**
   * Emits one instruction. Immediates: a local / label / function index, an i32 constant, an f32 / f64 constant,
   * a memory offset in bytes (plus a lane for the lane loads / stores), a lane index, four 32-bit lane indices for
   * i8x16.shuffle, or a v128 constant (v128.const: 4 float32; v128.const_i32: 4 int32;
   * v128.const_f64: 2 float64).
   */
  op(o: Op, ...imm: number[]): this {
    const [prefix, code, kind] = OPS[o] as readonly [number, number, Imm];
    const c = this.code;
    if (prefix) {
      c.push(prefix);
      uleb(c, code);
    } else c.push(code);
    switch (kind) {
      case 'none':
        break;
      case 'u32':
        uleb(c, imm[0]);
        break;
      case 's32':
        sleb(c, imm[0]);
        break;
      case 'f32': {
        const b = new Uint8Array(new Float32Array([imm[0]]).buffer);
        c.push(...b);
        break;
      }
      case 'f64': {
        const b = new Uint8Array(new Float64Array([imm[0]]).buffer);
        c.push(...b);
        break;
      }
      case 'block':
        c.push(0x40);
        break;
      case 'lane':
        c.push(imm[0]);
        break;
      case 'mem':
      case 'memlane': {
        // alignment hint: 0 (byte) is always valid; engines ignore it for codegen on x64 / arm64
        uleb(c, 0);
        uleb(c, imm[0] ?? 0);
        if (kind === 'memlane') c.push(imm[1]);
        break;
      }
      case 'shuffle':
        // imm: four 32-bit lane indices (0-3 first operand, 4-7 second), expanded to byte indices
        for (let l = 0; l < 4; l++) for (let b = 0; b < 4; b++) c.push(imm[l] * 4 + b);
        break;
      case 'v128': {
        const b = new Uint8Array(new Float32Array([imm[0], imm[1], imm[2], imm[3]]).buffer);
        c.push(...b);
        break;
      }
      case 'v128i': {
        const b = new Uint8Array(new Int32Array([imm[0], imm[1], imm[2], imm[3]]).buffer);
        c.push(...b);
        break;
      }
      case 'v128d': {
        const b = new Uint8Array(new Float64Array([imm[0], imm[1]]).buffer);
        c.push(...b);
        break;
      }
    }
    return this;
  }

  /** Pushes several instructions: ['local.get', 2], ['f32x4.add'] ... */
  ops(...list: [Op, ...number[]][]): this {
    for (const [o, ...imm] of list) this.op(o, ...imm);
    return this;
  }

  /** The function body's bytes (locals run-length encoded, then the code, then `end`). */
  body(): number[] {
    const out: number[] = [];
    const runs: [number, ValType][] = [];
    for (const t of this.locals) {
      const last = runs.at(-1);
      if (last && last[1] === t) last[0]++;
      else runs.push([1, t]);
    }
    uleb(out, runs.length);
    for (const [n, t] of runs) {
      uleb(out, n);
      out.push(VALTYPE[t]);
    }
    out.push(...this.code, 0x0b);
    const sized: number[] = [];
    uleb(sized, out.length);
    return sized.concat(out);
  }
}

function section(out: number[], id: number, content: number[]): void {
  out.push(id);
  uleb(out, content.length);
  for (const b of content) out.push(b);
}

/** Builds a module importing `env.memory` and exporting every function by its name. */
export function assembleModule(functions: FunctionBuilder[], memoryPages: number): Uint8Array<ArrayBuffer> {
  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const types: number[] = [];
  uleb(types, functions.length);
  for (const f of functions) {
    types.push(0x60);
    uleb(types, f.params.length);
    for (const p of f.params) types.push(VALTYPE[p]);
    uleb(types, f.results.length);
    for (const r of f.results) types.push(VALTYPE[r]);
  }
  section(out, 1, types);
  const imports: number[] = [];
  uleb(imports, 1);
  name(imports, 'env');
  name(imports, 'memory');
  imports.push(0x02, 0x00);
  uleb(imports, memoryPages);
  section(out, 2, imports);
  const funcs: number[] = [];
  uleb(funcs, functions.length);
  functions.forEach((_, i) => uleb(funcs, i));
  section(out, 3, funcs);
  const exports: number[] = [];
  uleb(exports, functions.length);
  functions.forEach((f, i) => {
    name(exports, f.name);
    exports.push(0x00);
    uleb(exports, i);
  });
  section(out, 7, exports);
  const code: number[] = [];
  uleb(code, functions.length);
  for (const f of functions) code.push(...f.body());
  section(out, 10, code);
  return Uint8Array.from(out);
}
