import type { Tf } from './tfjs-types.ts';
import { leadingAxesSum, leadingReductionSize } from './wasm-kernels/leading-axes-sum.ts';
import { maxPoolGrad } from './wasm-kernels/max-pool-grad.ts';
import { tile } from './wasm-kernels/tile.ts';
import type { MatMul } from './wasm-kernels/single-channel-filter-gradient.ts';
import { singleChannelFilterGradient } from './wasm-kernels/single-channel-filter-gradient.ts';
import { heapOf } from './wasm-kernels/wasm-heap.ts';

type TensorInfo = import('@tensorflow/tfjs').TensorInfo;
type KernelBackend = import('@tensorflow/tfjs').KernelBackend;
type NamedAttrMap = import('@tensorflow/tfjs').NamedAttrMap;
type ExplicitPadding = [[number, number], [number, number], [number, number], [number, number]];

interface KernelArgs {
  inputs: Record<string, TensorInfo>;
  backend: KernelBackend;
  attrs?: NamedAttrMap;
}

/**
 * Gradient kernels the tfjs WASM backend lacks or runs slowly, built from its own fast (XNNPACK) kernels:
 *
 * - Conv2DBackpropFilter (missing in tfjs-backend-wasm 4.x): the filter gradient of a convolution is itself a
 *   convolution of the input with the output gradient, batch and channels swapped:
 *     dW[i, j, c, o] = sum over b, p, q of x[b, i + p*sh - top, j + q*sw - left, c] * dy[b, p, q, o]
 *   so dW = transpose(conv2d(transpose(x, [3,1,2,0]), transpose(dy, [1,2,0,3]), dilation = stride), [1,2,0,3]).
 * - Conv2DBackpropInput (present, but a scalar C++ loop): for stride 1 the input gradient is the "full"
 *   convolution of dy with the spatially reversed filter, in/out channels swapped:
 *     dx = conv2d(pad(dy), transpose(reverse(W, [0, 1]), [0, 1, 3, 2])).
 *   Strides above 1 keep the backend's own kernel.
 *   One input channel (the first layer on a spectrogram) takes another route, one matrix product over the
 *   input's patches (wasm-kernels/single-channel-filter-gradient.ts): there the convolution above has a kernel as
 *   large as the whole output map, which XNNPACK repacks on every call (twice as slow).
 * - MaxPoolGrad (present, but wrong): tfjs-backend-wasm 4.22 routes no gradient out of a pooling window whose
 *   values are all negative (its running maximum starts at 0; a 2x2 pool of random normal inputs loses ~1% of
 *   its gradient). Replaced by a direct loop over the WASM heap with the CPU backend's semantics: the gradient
 *   goes to the first maximum of each window in row-major order. After a ReLU the two agree; elsewhere only ours
 *   is right (wasm-kernels/max-pool-grad.ts).
 * - Sum and Mean over leading axes (present, but they transpose the whole tensor first): the bias gradient of
 *   every convolution, batch normalisation's statistics. One pass over the rows instead
 *   (wasm-kernels/leading-axes-sum.ts); every other Sum and Mean goes to the backend's own kernel.
 * - Tile (present, but it computes every output index separately): batch normalisation's gradient tiles each
 *   per-channel statistic to the whole activation. Copies of blocks instead (wasm-kernels/tile.ts); other dtypes
 *   go to the backend's own kernel.
 *
 * Every intermediate is a backend tensor freed before the kernel returns.
 */
export function registerWasmGradientKernels(tf: Tf, options: { replaceBackpropInput?: boolean } = {}): string[] {
  const conv2d = tf.getKernel('Conv2D', 'wasm')?.kernelFunc;
  const transpose = tf.getKernel('Transpose', 'wasm')?.kernelFunc;
  const reverse = tf.getKernel('Reverse', 'wasm')?.kernelFunc;
  const slice = tf.getKernel('Slice', 'wasm')?.kernelFunc;
  const batchMatMul = tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc;
  const nativeSum = tf.getKernel('Sum', 'wasm')?.kernelFunc;
  const nativeMean = tf.getKernel('Mean', 'wasm')?.kernelFunc;
  const nativeTile = tf.getKernel('Tile', 'wasm')?.kernelFunc;
  if (!conv2d || !transpose || !reverse || !slice || !batchMatMul || !nativeSum || !nativeMean || !nativeTile) throw new Error('The tfjs WASM backend is not registered');
  const nativeBackpropInput = tf.getKernel('Conv2DBackpropInput', 'wasm')?.kernelFunc ?? null;

  const run = (f: typeof conv2d, args: KernelArgs): TensorInfo => f(args as never) as TensorInfo;
  const free = (backend: KernelBackend, ...infos: TensorInfo[]): void => {
    for (const info of infos) backend.disposeData(info.dataId);
  };
  const matMul =
    (backend: KernelBackend): MatMul =>
    (a, b, transposeA = false) =>
      run(batchMatMul, { inputs: { a, b }, backend, attrs: { transposeA, transposeB: false } as unknown as NamedAttrMap });
  const channelsLast = (dataFormat: unknown): void => {
    if (dataFormat !== undefined && dataFormat !== 'NHWC') {
      throw new Error(`Conv2D gradients on WASM support NHWC only (got ${String(dataFormat)})`);
    }
  };

  const backpropFilter = ({ inputs, backend, attrs }: KernelArgs): TensorInfo => {
    const { x, dy } = inputs;
    const a = attrs as unknown as {
      strides: number | [number, number];
      pad: 'valid' | 'same' | number | ExplicitPadding;
      dataFormat?: string;
      dimRoundingMode?: 'floor' | 'round' | 'ceil';
      filterShape: [number, number, number, number];
    };
    channelsLast(a.dataFormat);
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      a.filterShape,
      a.strides,
      1,
      a.pad,
      a.dimRoundingMode,
    );
    if (info.inChannels === 1 && info.dilationHeight === 1 && info.dilationWidth === 1) {
      return singleChannelFilterGradient(info, x, dy, heapOf(backend), matMul(backend));
    }
    const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, outHeight, outWidth } = info;
    const { top, left } = info.padInfo;
    let bottom = kh + (outHeight - 1) * sh - info.inHeight - top;
    let right = kw + (outWidth - 1) * sw - info.inWidth - left;
    let xt = run(transpose, { inputs: { x }, backend, attrs: { perm: [3, 1, 2, 0] } }); // [C, H, W, B]
    if (bottom < 0 || right < 0) {
      // Trailing rows/columns that no output position reads (a 'valid' stride > 1 leftover).
      const cropped = run(slice, {
        inputs: { x: xt },
        backend,
        attrs: { begin: [0, 0, 0, 0], size: [-1, info.inHeight + Math.min(0, bottom), info.inWidth + Math.min(0, right), -1] },
      });
      free(backend, xt);
      xt = cropped;
      bottom = Math.max(0, bottom);
      right = Math.max(0, right);
    }
    const dyt = run(transpose, { inputs: { x: dy }, backend, attrs: { perm: [1, 2, 0, 3] } }); // [OH, OW, B, O]
    const pad: ExplicitPadding = [[0, 0], [top, bottom], [left, right], [0, 0]];
    const g = run(conv2d, {
      inputs: { x: xt, filter: dyt },
      backend,
      attrs: { strides: [1, 1], pad, dataFormat: 'NHWC', dilations: [sh, sw] } as unknown as NamedAttrMap,
    }); // [C, KH, KW, O]
    const dw = run(transpose, { inputs: { x: g }, backend, attrs: { perm: [1, 2, 0, 3] } });
    free(backend, xt, dyt, g);
    return dw;
  };

  const backpropInput = ({ inputs, backend, attrs }: KernelArgs): TensorInfo => {
    const { dy, filter } = inputs;
    const a = attrs as unknown as {
      strides: number | [number, number];
      pad: 'valid' | 'same' | number | ExplicitPadding;
      dataFormat?: string;
      dimRoundingMode?: 'floor' | 'round' | 'ceil';
      inputShape: [number, number, number, number];
    };
    channelsLast(a.dataFormat);
    const info = tf.backend_util.computeConv2DInfo(
      a.inputShape,
      filter.shape as [number, number, number, number],
      a.strides,
      1,
      a.pad,
      a.dimRoundingMode,
    );
    if ((info.strideHeight !== 1 || info.strideWidth !== 1) && nativeBackpropInput) {
      return nativeBackpropInput({ inputs, backend, attrs } as never) as TensorInfo;
    }
    if (info.strideHeight !== 1 || info.strideWidth !== 1) throw new Error('Conv2DBackpropInput with strides > 1 is not available on WASM');
    const { filterHeight: kh, filterWidth: kw, inHeight, inWidth, outHeight, outWidth } = info;
    const { top, left } = info.padInfo;
    const reversed = run(reverse, { inputs: { x: filter }, backend, attrs: { dims: [0, 1] } });
    const flipped = run(transpose, { inputs: { x: reversed }, backend, attrs: { perm: [0, 1, 3, 2] } }); // [KH, KW, O, C]
    const pad: ExplicitPadding = [
      [0, 0],
      [kh - 1 - top, inHeight - outHeight + top],
      [kw - 1 - left, inWidth - outWidth + left],
      [0, 0],
    ];
    const dx = run(conv2d, {
      inputs: { x: dy, filter: flipped },
      backend,
      attrs: { strides: [1, 1], pad, dataFormat: 'NHWC', dilations: [1, 1] } as unknown as NamedAttrMap,
    });
    free(backend, reversed, flipped);
    return dx;
  };

  const maxPoolGradient = ({ inputs, backend, attrs }: KernelArgs): TensorInfo => {
    const { dy, input, output } = inputs;
    const a = attrs as unknown as {
      filterSize: number | [number, number];
      strides: number | [number, number];
      pad: 'valid' | 'same' | number;
      dimRoundingMode?: 'floor' | 'round' | 'ceil';
    };
    const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
    const heap = heapOf(backend);
    const out = heap.makeOutput(input.shape, 'float32');
    // Views into the WASM heap, taken after the allocation (which may grow and move the heap).
    const pooled = output && output.dtype === 'float32' ? heap.typedArrayFromHeap(output) : undefined;
    maxPoolGrad(info, heap.typedArrayFromHeap(input), heap.typedArrayFromHeap(dy), heap.typedArrayFromHeap(out), pooled);
    return out;
  };

  const sum = ({ inputs, backend, attrs }: KernelArgs): TensorInfo => {
    const { x } = inputs;
    const a = attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const size = leadingReductionSize(x.shape, a.axis, x.dtype);
    if (!size) return run(nativeSum, { inputs, backend, attrs });
    return leadingAxesSum(x, size, a.keepDims, heapOf(backend));
  };

  const mean = ({ inputs, backend, attrs }: KernelArgs): TensorInfo => {
    const { x } = inputs;
    const a = attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const size = leadingReductionSize(x.shape, a.axis, x.dtype);
    if (!size) return run(nativeMean, { inputs, backend, attrs });
    return leadingAxesSum(x, size, a.keepDims, heapOf(backend), 1 / size.rows);
  };

  const tileKernel = ({ inputs, backend, attrs }: KernelArgs): TensorInfo => {
    const { x } = inputs;
    const reps = (attrs as unknown as { reps: number[] }).reps;
    if (x.dtype !== 'float32' || reps.length !== x.shape.length) return run(nativeTile, { inputs, backend, attrs });
    const heap = heapOf(backend);
    const out = heap.makeOutput(
      x.shape.map((s, k) => s * reps[k]),
      'float32',
    );
    tile(heap.typedArrayFromHeap(x), x.shape, reps, heap.typedArrayFromHeap(out));
    return out;
  };

  const replace = (kernelName: string, kernelFunc: (args: KernelArgs) => TensorInfo): void => {
    if (tf.getKernel(kernelName, 'wasm')) tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: kernelFunc as never });
  };
  replace('Conv2DBackpropFilter', backpropFilter);
  replace('MaxPoolGrad', maxPoolGradient);
  replace('Sum', sum);
  replace('Mean', mean);
  replace('Tile', tileKernel);
  const replaced = ['Conv2DBackpropFilter', 'MaxPoolGrad', 'Sum', 'Mean', 'Tile'];
  if (options.replaceBackpropInput === false) return replaced;
  replace('Conv2DBackpropInput', backpropInput);
  return [...replaced, 'Conv2DBackpropInput'];
}
