import { mlfiFeatureNames } from '../feature-columns.ts';
import type { LayersModel, SymbolicTensor, Tf } from '../runtime/tfjs-types.ts';

/** MLFI inputs per 3 s segment: a 128 x 130 log-mel patch (n_fft 2048, hop 512) and the 55 audio features. */
export const mlfiInput = { melName: 'melspec', melBands: 128, frames: 130, featuresName: 'features', features: mlfiFeatureNames.length } as const;
export const mlfiMelShape = [-1, mlfiInput.melBands, mlfiInput.frames, 1] as const;
export const mlfiFeatureShape = [-1, mlfiInput.features] as const;

/**
 * Where the audio branch (AFE) feeds the visual branch (VFE):
 * - none: the benchmark, late fusion only (both embeddings concatenated before the classifier);
 * - audio: one-way (audio), an AFE layer's output is projected to the channels of the second VFE block's output
 *   and added to every time-frequency position of it;
 * - vision: one-way (vision), an AFE layer's output is repeated along time and concatenated to the RNN input;
 * - two-way: both.
 * Mode A passes the shallower learned feature (AFE 256-unit layer into the VFE, 128-unit layer into the RNN),
 * mode B the deeper one (128 into the VFE, 64 into the RNN).
 */
export type MlfiInteraction = 'none' | 'audio' | 'vision' | 'two-way';
export type MlfiMode = 'A' | 'B';

export interface MlfiOptions {
  classes: number;
  interaction: MlfiInteraction;
  mode?: MlfiMode;
  /** Filters of the conv blocks before the final Conv(128)-MaxPool(4,4) block. */
  vfeFilters?: number[];
  /** Filters of the final conv block (paper: 128). */
  vfeLastFilters?: number;
  rnnUnits?: number;
  afeUnits?: number[];
  dropout?: number;
  seed?: number;
}

export function mlfiArchitectureName(interaction: MlfiInteraction, mode: MlfiMode = 'B'): string {
  return interaction === 'none' ? 'mlfi-benchmark' : `mlfi-${interaction}-${mode}`;
}

/**
 * The two-branch MLFI network (Liu, Wang & Zha 2021, as re-implemented by Arcaro & D'Onofrio).
 *
 * VFE on [n, 128, 130, 1]: conv blocks Conv 3x3 -> BatchNorm -> ReLU -> pool -> Dropout with 16, 32, 64 filters
 * (max, max, average pooling 2x2), then Conv(128) -> BatchNorm -> ReLU -> MaxPool(4,4) -> Dropout, giving a 4 x 4 x 128
 * map that is read as 4 time steps of 512 values by a 2-layer GRU (64 units each).
 * AFE on [n, 55]: Dense 1024-512-256-128-64, ReLU, dropout.
 * Classifier: concat(VFE 64, AFE 64) -> Dense 64 ReLU -> Dropout -> Dense `classes` softmax.
 *
 * Sized for CPU training: the VFE filter counts (16/32/64/128) and the GRU width (64) are smaller than a GPU
 * implementation would pick; the AFE keeps its published widths (dense layers are cheap).
 */
export function buildMlfi(tf: Tf, options: MlfiOptions): LayersModel {
  const {
    classes,
    interaction,
    mode = 'B',
    vfeFilters = [16, 32, 64],
    vfeLastFilters = 128,
    rnnUnits = 64,
    afeUnits = [1024, 512, 256, 128, 64],
    dropout = 0.2,
    seed = 1,
  } = options;
  if (vfeFilters.length !== 3) throw new Error('MLFI takes three conv blocks before the final Conv(128) block');
  if (afeUnits.length !== 5) throw new Error('MLFI takes five AFE dense layers');
  let s = seed;
  const glorot = () => tf.initializers.glorotUniform({ seed: s++ });
  const apply = (layer: { apply(x: SymbolicTensor | SymbolicTensor[]): unknown }, x: SymbolicTensor | SymbolicTensor[]) =>
    layer.apply(x) as SymbolicTensor;

  const mel = tf.input({ shape: [mlfiInput.melBands, mlfiInput.frames, 1], name: mlfiInput.melName });
  const features = tf.input({ shape: [mlfiInput.features], name: mlfiInput.featuresName });

  // AFE first: its hidden outputs feed the VFE in the interaction variants.
  const afe: SymbolicTensor[] = [];
  let a: SymbolicTensor = features;
  afeUnits.forEach((units, i) => {
    a = apply(tf.layers.dense({ units, activation: 'relu', kernelInitializer: glorot(), name: `afe_dense${i + 1}` }), a);
    a = apply(tf.layers.dropout({ rate: dropout, seed: s++, name: `afe_dropout${i + 1}` }), a);
    afe.push(a);
  });
  const toVfe = mode === 'A' ? afe[2] : afe[3];
  const toRnn = mode === 'A' ? afe[3] : afe[4];

  const block = (x: SymbolicTensor, filters: number, pool: 'max' | 'avg', size: number, i: number): SymbolicTensor => {
    x = apply(tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: glorot(), name: `vfe_conv${i}` }), x);
    x = apply(tf.layers.batchNormalization({ axis: -1, momentum: 0.9, name: `vfe_bn${i}` }), x);
    x = apply(tf.layers.activation({ activation: 'relu', name: `vfe_relu${i}` }), x);
    const poolArgs = { poolSize: [size, size] as [number, number], strides: [size, size] as [number, number], name: `vfe_pool${i}` };
    x = apply(pool === 'max' ? tf.layers.maxPooling2d(poolArgs) : tf.layers.averagePooling2d(poolArgs), x);
    return apply(tf.layers.dropout({ rate: dropout / 2, seed: s++, name: `vfe_dropout${i}` }), x);
  };
  let v = block(mel, vfeFilters[0], 'max', 2, 1);
  v = block(v, vfeFilters[1], 'max', 2, 2);
  if (interaction === 'audio' || interaction === 'two-way') {
    let shift = apply(tf.layers.dense({ units: vfeFilters[1], kernelInitializer: glorot(), name: 'audio_to_vfe' }), toVfe);
    shift = apply(tf.layers.reshape({ targetShape: [1, 1, vfeFilters[1]], name: 'audio_to_vfe_map' }), shift);
    v = apply(tf.layers.add({ name: 'audio_interaction' }), [v, shift]);
  }
  v = block(v, vfeFilters[2], 'avg', 2, 3);
  v = block(v, vfeLastFilters, 'max', 4, 4);
  // [n, mel, time, channels] -> [n, time, mel * channels]: one RNN step per remaining time column.
  const [, melRows, timeSteps, channels] = v.shape as number[];
  v = apply(tf.layers.permute({ dims: [2, 1, 3], name: 'vfe_time_major' }), v);
  v = apply(tf.layers.reshape({ targetShape: [timeSteps, melRows * channels], name: 'vfe_sequence' }), v);
  if (interaction === 'vision' || interaction === 'two-way') {
    const repeated = apply(tf.layers.repeatVector({ n: timeSteps, name: 'audio_to_rnn' }), toRnn);
    v = apply(tf.layers.concatenate({ axis: -1, name: 'vision_interaction' }), [v, repeated]);
  }
  const gru = (returnSequences: boolean, i: number) =>
    tf.layers.gru({
      units: rnnUnits,
      returnSequences,
      recurrentActivation: 'sigmoid',
      kernelInitializer: glorot(),
      recurrentInitializer: tf.initializers.orthogonal({ seed: s++ }),
      name: `vfe_gru${i}`,
    });
  v = apply(gru(true, 1), v);
  v = apply(gru(false, 2), v);

  let h = apply(tf.layers.concatenate({ axis: -1, name: 'fusion' }), [v, a]);
  h = apply(tf.layers.dense({ units: 64, activation: 'relu', kernelInitializer: glorot(), name: 'head_dense' }), h);
  h = apply(tf.layers.dropout({ rate: dropout, seed: s++, name: 'head_dropout' }), h);
  const out = apply(tf.layers.dense({ units: classes, activation: 'softmax', kernelInitializer: glorot(), name: 'probabilities' }), h);
  return tf.model({ inputs: [mel, features], outputs: out, name: mlfiArchitectureName(interaction, mode).replace(/-/g, '_') });
}
