type TensorInfo = import('@tensorflow/tfjs').TensorInfo;

/** tfjs' description of a convolution or pooling: shapes, strides, padding. */
export type Conv2DInfo = import('@tensorflow/tfjs').backend_util.Conv2DInfo;

/** The parts of tfjs-backend-wasm's backend that our kernels use to read and write tensors in the WASM heap. */
export interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: string): TensorInfo;
  /** A view of a tensor's data in the heap. Take views after allocating: an allocation may grow (move) the heap. */
  typedArrayFromHeap(t: TensorInfo): Float32Array;
  disposeData(dataId: object): void;
}

export function heapOf(backend: unknown): WasmHeapBackend {
  return backend as WasmHeapBackend;
}
