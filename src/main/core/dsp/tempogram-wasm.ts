import { RealFft } from './fft.ts';
import { linearCorrelationSize } from './tempogram-frame-f32.ts';
import type { DspWasm } from './wasm/dsp-wasm.ts';
import { wasmF64 } from './wasm/kernel-tables.ts';
import { cachedHann } from './window.ts';

/**
 * The forward and the inverse transform of a size, private to this module (the forward one's input keeps its
 * zero padding between frames), shared by every WasmTempogram of the thread: PFFFT set-ups live in PFFFT's own
 * memory and are never freed, so one pair per size, not per analysis.
 */
const transforms = new Map<number, { fwd: RealFft; inv: RealFft }>();

function transformPair(size: number): { fwd: RealFft; inv: RealFft } {
  let t = transforms.get(size);
  if (!t) {
    t = { fwd: new RealFft(size), inv: new RealFft(size) };
    t.fwd.inputView().fill(0);
    transforms.set(size, t);
  }
  return t;
}

/**
 * TempogramFrameF32 with its loops in WASM: the window of onset values (already in the kernels' memory,
 * padded as librosa pads the envelope) is Hann-windowed, transformed (PFFFT, 768 points for 344 lags), turned
 * into |X|^2, transformed back, normalised by its largest value and optionally added to float64 sums. The same
 * arithmetic as TempogramFrameF32, bit for bit; only the copies in and out of PFFFT's memory are left in JS.
 */
export class WasmTempogram {
  readonly winLength: number;
  private readonly size: number;
  private readonly wasm: DspWasm;
  private readonly fwd: RealFft;
  private readonly inv: RealFft;
  private readonly hann: number;
  private readonly windowed: number;
  private readonly spec: number;
  private readonly packed: number;
  private readonly raw: number;
  private readonly windowedView: Float32Array;
  private readonly packedView: Float32Array;

  constructor(wasm: DspWasm, winLength: number) {
    this.winLength = winLength;
    this.size = linearCorrelationSize(winLength);
    this.wasm = wasm;
    ({ fwd: this.fwd, inv: this.inv } = transformPair(this.size));
    this.hann = wasmF64(wasm, cachedHann(winLength));
    this.windowed = wasm.alloc(winLength * 4);
    this.spec = wasm.alloc(this.size * 4);
    this.packed = wasm.alloc(this.size * 4);
    this.raw = wasm.alloc(this.size * 4);
    this.windowedView = new Float32Array(wasm.memory.buffer, this.windowed, winLength);
    this.packedView = new Float32Array(wasm.memory.buffer, this.packed, this.size);
  }

  static bytesNeeded(winLength: number): number {
    const size = linearCorrelationSize(winLength);
    return winLength * 12 + 3 * size * 4 + 128;
  }

  /** Frame of the onset values at src (winLength float32): normalised autocorrelation to out; added to sums unless 0. */
  frame(src: number, out: number, sums: number): void {
    const k = this.wasm.kernels;
    const heap = this.wasm.heap;
    k.windowFrame(src, this.hann, this.windowed, this.winLength);
    this.fwd.inputView().set(this.windowedView);
    heap.set(this.fwd.transformInput(false), this.spec >> 2);
    k.evenPowerPacked(this.spec, this.packed, this.size / 2);
    this.inv.inputView().set(this.packedView);
    heap.set(this.inv.transformInput(true), this.raw >> 2);
    k.normalizeAc(this.raw, this.winLength, this.size, out, sums);
  }
}
