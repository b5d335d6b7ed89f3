import type { HpssBlock } from '../../dsp/streaming-hpss.ts';
import { DspWasm } from '../../dsp/wasm/dsp-wasm.ts';
import { trackMemoryBytes } from './wasm-layout.ts';

/** The buffers of one analysis (about 30 MB), reused by the next analysis in the same thread. */
export interface EngineBuffers {
  /** Frames per ring. */
  readonly R: number;
  readonly wasm: DspWasm;
  /** HPSS sums per 512-sample block b, at (b & (R - 1)) * 4: harmonic sum, sum of squares, percussive sum, sum of squares. */
  readonly blocks: Float64Array;
  /**
   * Stores one HPSS block's sums in `blocks`: the streaming HPSS's callback, one function for every analysis these
   * buffers serve (a new closure per track made the HPSS's compiled block loop deoptimise at each thread's second
   * track: "wrong call target").
   */
  readonly onHpssBlock: (b: HpssBlock) => void;
  /** Per 512-sample block: sum of squares, zero crossings, and whether the pair across its first sample crosses. */
  readonly sq: Float64Array;
  readonly cross: Int32Array;
  readonly firstPair: Uint8Array;
}

/** Idle buffers by ring size: allocating and collecting 30 MB per track cost ~10% of the analysis time. */
const idleBuffers = new Map<number, EngineBuffers>();

/** An idle set of buffers for rings of R frames (its WASM memory reset), or a new one. */
export function takeEngineBuffers(R: number): EngineBuffers {
  const idle = idleBuffers.get(R);
  if (idle) {
    idleBuffers.delete(R);
    idle.wasm.reset();
    return idle;
  }
  const blocks = new Float64Array(R * 4);
  return {
    R,
    wasm: new DspWasm(trackMemoryBytes(R)),
    blocks,
    onHpssBlock: (b) => {
      const o = (b.index & (R - 1)) * 4;
      blocks[o] = b.sumH;
      blocks[o + 1] = b.sumH2;
      blocks[o + 2] = b.sumP;
      blocks[o + 3] = b.sumP2;
    },
    sq: new Float64Array(R),
    cross: new Int32Array(R),
    firstPair: new Uint8Array(R),
  };
}

/** Hands buffers back once nothing reads them any more: the next analysis in this thread takes them. */
export function releaseEngineBuffers(buffers: EngineBuffers): void {
  idleBuffers.set(buffers.R, buffers);
}
