import type { LayersModel, SymbolicTensor, Tf } from '../runtime/tfjs-types.ts';

/** CNN input: one log-mel patch per 3 s segment, ln(1 + mel), 64 bands x 256 frames (n_fft 512, hop 256, 22050 Hz). */
export const dongCnnInput = { name: 'melspec', melBands: 64, frames: 256 } as const;
export const dongCnnInputShape = [-1, dongCnnInput.melBands, dongCnnInput.frames, 1] as const;

export interface DongCnnOptions {
  classes: number;
  /** Filters of both convolutions (paper: 64). */
  filters?: number;
  /** Units of the hidden dense layer (paper: 32). */
  dense?: number;
  /** Dropout after the flatten and after the hidden dense layer. */
  dropout?: number;
  /** L2 weight penalty on every kernel. */
  l2?: number;
  seed?: number;
}

/**
 * Dong (2018): Conv 64 3x3 -> MaxPool 2x4 -> Conv 64 3x5 -> MaxPool 2x4 -> Dense 32 -> Dense `classes` softmax,
 * ReLU elsewhere, 'same' padding, dropout and L2 against overfitting. Full paper size (about 0.57 M weights): it
 * trains at roughly 14 samples/s on the WASM backend, which is fine for the few thousand segments GTZAN gives.
 * Input [n, 64, 256, 1], output [n, classes] probabilities.
 */
export function buildDongCnn(tf: Tf, options: DongCnnOptions): LayersModel {
  const { classes, filters = 64, dense = 32, dropout = 0.5, l2 = 1e-4, seed = 1 } = options;
  let s = seed;
  const init = () => tf.initializers.glorotUniform({ seed: s++ });
  const reg = () => (l2 > 0 ? tf.regularizers.l2({ l2 }) : undefined);
  const input = tf.input({ shape: [dongCnnInput.melBands, dongCnnInput.frames, 1], name: dongCnnInput.name });
  let x = tf.layers
    .conv2d({ filters, kernelSize: [3, 3], padding: 'same', activation: 'relu', kernelInitializer: init(), kernelRegularizer: reg(), name: 'conv1' })
    .apply(input) as SymbolicTensor;
  x = tf.layers.maxPooling2d({ poolSize: [2, 4], strides: [2, 4], name: 'pool1' }).apply(x) as SymbolicTensor;
  x = tf.layers
    .conv2d({ filters, kernelSize: [3, 5], padding: 'same', activation: 'relu', kernelInitializer: init(), kernelRegularizer: reg(), name: 'conv2' })
    .apply(x) as SymbolicTensor;
  x = tf.layers.maxPooling2d({ poolSize: [2, 4], strides: [2, 4], name: 'pool2' }).apply(x) as SymbolicTensor;
  x = tf.layers.flatten({ name: 'flatten' }).apply(x) as SymbolicTensor;
  x = tf.layers.dropout({ rate: dropout, seed: s++, name: 'dropout1' }).apply(x) as SymbolicTensor;
  x = tf.layers.dense({ units: dense, activation: 'relu', kernelInitializer: init(), kernelRegularizer: reg(), name: 'dense1' }).apply(x) as SymbolicTensor;
  x = tf.layers.dropout({ rate: dropout, seed: s++, name: 'dropout2' }).apply(x) as SymbolicTensor;
  const out = tf.layers
    .dense({ units: classes, activation: 'softmax', kernelInitializer: init(), kernelRegularizer: reg(), name: 'probabilities' })
    .apply(x) as SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: 'dong_cnn' });
}
