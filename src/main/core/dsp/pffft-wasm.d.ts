declare module '@echogarden/pffft-wasm/simd' {
  /** The Emscripten module of PFFFT (SIMD build): exported C functions plus the WASM heap. */
  export interface PffftModule {
    HEAPF32: Float32Array;
    _pffft_new_setup(n: number, transform: 0 | 1): number;
    _pffft_destroy_setup(setup: number): void;
    _pffft_transform_ordered(setup: number, input: number, output: number, work: number, direction: 0 | 1): void;
    _pffft_aligned_malloc(bytes: number): number;
    _pffft_aligned_free(ptr: number): void;
  }
  const factory: () => Promise<PffftModule>;
  export default factory;
}
