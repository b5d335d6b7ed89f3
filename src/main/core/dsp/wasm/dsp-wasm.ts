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
}

let compiled: WebAssembly.Module | null = null;

/** The kernels' module, assembled and compiled once per thread (a few kilobytes, about a millisecond). */
export function dspModule(): WebAssembly.Module {
  if (!compiled) {
    compiled = new WebAssembly.Module(
      assembleModule([median31x4Kernel(false), median31x4Kernel(true), gatherReflect4Kernel(), unpackSpectrumKernel(), hpssMaskPackedKernel()], 1),
    );
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

  constructor(bytes: number) {
    const pages = Math.ceil((bytes + 1024) / 65536);
    this.memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    const instance = new WebAssembly.Instance(dspModule(), { env: { memory: this.memory } });
    this.kernels = instance.exports as unknown as DspKernels;
    this.f32 = new Float32Array(this.memory.buffer);
  }

  /** Reserves bytes (16-byte aligned, zero-filled); returns the byte offset. */
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
}
