import {
  blockStatsKernel,
  evenPowerPackedKernel,
  normalizeAcKernel,
  chroma12Kernel,
  hpssFlushKernel,
  melBandPairsKernel,
  mfccFloorKernel,
  olaAddKernel,
  piptrackKernel,
  powerSpectrumKernel,
  spectralShapeKernel,
  windowFrameKernel,
} from './frame-kernels.ts';
import { dbRowsKernel, log1pRowsKernel } from './log-kernels.ts';
import { gatherReflect4Kernel, median31x4Kernel } from './median-kernel.ts';
import { hpssMaskPackedKernel, unpackSpectrumKernel } from './spectrum-kernels.ts';
import { assembleModule } from './wasm-assembler.ts';

/** The exported kernels; every pointer is a byte offset into the instance's memory. */
export interface DspKernels {
  median31x4(state: number, src: number, outSrc: number, stride: number, outStride: number, dst: number, dstStride: number, n: number): void;
  median31x4Scatter(state: number, src: number, outSrc: number, stride: number, outStride: number, dst: number, dstStride: number, n: number, laneStride: number): void;
  gatherReflect4(row0: number, row1: number, row2: number, row3: number, dst: number, n: number, pad: number): void;
  unpackSpectrum(src: number, re: number, im: number, pow: number, mag: number, half: number): void;
  hpssMaskPacked(H: number, P: number, re: number, im: number, dst: number, half: number): void;
  spectralShape(mag: number, bins: number, df: number, out: number): void;
  chroma12(fbT: number, pow: number, out: number, pairs: number): void;
  mfccFloor(D: number, db: number, n: number, nOut: number, floor: number, floor32: number, scratch: number, out: number): void;
  olaAdd(frame: number, ws: number, w2: number, y: number, w: number, count: number): void;
  hpssFlush(y: number, w: number, samples: number, count: number, sums: number): void;
  piptrack(row: number, bins: number, kLo: number, kHi: number, threshold: number, sr: number, nFft: number, outPitch: number, outMag: number): number;
  windowFrame(src: number, win: number, dst: number, n: number): void;
  blockStats(src: number, n: number, out: number): void;
  powerSpectrum(src: number, pow: number, half: number): void;
  melBandPairs(pow: number, table: number, meta: number, out: number, pairs: number): void;
  evenPowerPacked(src: number, dst: number, half: number): void;
  normalizeAc(ac: number, n: number, size: number, out: number, sums: number): void;
  dbRows(mel: number, n: number, out: number, outBands: number, bandStride: number): void;
  log1pRows(src: number, n: number, out: number, outStride: number, gain: number): void;
}

let compiled: WebAssembly.Module | null = null;

/** How the median kernels select lanes: relaxed SIMD where the engine has it, else the plain bit select. */
export type LaneSelect = 'v128.bitselect' | 'i32x4.relaxed_laneselect';

/**
 * The kernels' module as the build assembled it (electron.vite.config.ts defines it in the main bundle): base64
 * of each variant. Absent when running from source.
 */
declare const __DSP_WASM__: Record<LaneSelect, string> | undefined;

/** The kernels' module bytes: assembled here from the kernels' source. */
export function assembleDspModule(select: LaneSelect): Uint8Array<ArrayBuffer> {
  const kernels = [
    median31x4Kernel(false, select),
    median31x4Kernel(true, select),
    gatherReflect4Kernel(),
    unpackSpectrumKernel(),
    hpssMaskPackedKernel(),
    spectralShapeKernel(),
    chroma12Kernel(),
    mfccFloorKernel(),
    olaAddKernel(),
    hpssFlushKernel(),
    piptrackKernel(),
    windowFrameKernel(),
    blockStatsKernel(),
    powerSpectrumKernel(),
    melBandPairsKernel(),
    evenPowerPackedKernel(),
    normalizeAcKernel(),
    dbRowsKernel(),
    log1pRowsKernel(),
  ];
  return assembleModule(kernels, 1);
}

/**
 * The kernels' bytes: in the build, those it assembled; from source, assembled now. Assembling took 14-17 ms in
 * each thread that runs the engine, and 30 ms of CPU with V8 compiling the assembler's hot functions in the
 * background (every classification worker paid it; the built bytes take under 2 ms to read and compile).
 */
function dspModuleBytes(select: LaneSelect): Uint8Array<ArrayBuffer> {
  const built = typeof __DSP_WASM__ === 'undefined' ? undefined : __DSP_WASM__[select];
  return built === undefined ? assembleDspModule(select) : new Uint8Array(Buffer.from(built, 'base64'));
}

/** The kernels' module, compiled once per thread (a few kilobytes). */
export function dspModule(): WebAssembly.Module {
  if (!compiled) {
    const relaxed = dspModuleBytes('i32x4.relaxed_laneselect');
    // engines without relaxed SIMD (it shipped in V8 11.4) get the plain bit select
    compiled = new WebAssembly.Module(WebAssembly.validate(relaxed) ? relaxed : dspModuleBytes('v128.bitselect'));
  }
  return compiled;
}

/**
 * One instance of the kernels with its own memory, sized up front, and a bump allocator: each analysis owns one,
 * so concurrent analyses in a thread never share buffers, and the memory goes with the analysis.
 */
export class DspWasm {
  readonly kernels: DspKernels;
  readonly memory: WebAssembly.Memory;
  private top = 64;
  private f32: Float32Array;
  private f64: Float64Array;
  private i32: Int32Array;

  constructor(bytes: number) {
    const pages = Math.ceil((bytes + 1024) / 65536);
    this.memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    const instance = new WebAssembly.Instance(dspModule(), { env: { memory: this.memory } });
    this.kernels = instance.exports as unknown as DspKernels;
    this.f32 = new Float32Array(this.memory.buffer);
    this.f64 = new Float64Array(this.memory.buffer);
    this.i32 = new Int32Array(this.memory.buffer);
  }

  /** Forgets every allocation (the memory is reused as is: callers initialise what they allocate). */
  reset(): void {
    this.top = 64;
  }

  /** Reserves bytes (16-byte aligned; zero-filled only in a fresh instance); returns the byte offset. */
  alloc(bytes: number): number {
    const at = this.top;
    this.top = (this.top + bytes + 15) & ~15;
    if (this.top > this.memory.buffer.byteLength) throw new RangeError(`DspWasm: out of memory (${this.top} > ${this.memory.buffer.byteLength} bytes)`);
    return at;
  }

  /** The memory as float32 (index = byte offset / 4). */
  get heap(): Float32Array {
    return this.f32;
  }

  /** The memory as float64 (index = byte offset / 8). */
  get heap64(): Float64Array {
    return this.f64;
  }

  /** The memory as int32 (index = byte offset / 4). */
  get heapI32(): Int32Array {
    return this.i32;
  }
}
