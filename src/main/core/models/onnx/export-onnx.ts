import type { LayersModel } from '../runtime/tfjs-types.ts';
import { layerConverters } from './layer-converters.ts';
import { OnnxGraph } from './onnx-graph.ts';
import { onnxMessage } from './onnx-schema.ts';
import type { OnnxValue } from './onnx-value.ts';
import { toPlain } from './onnx-value.ts';

export interface OnnxExportOptions {
  /** ONNX operator set (default 17: Squeeze/Unsqueeze take axes as inputs, all our ops are stable there). */
  opset?: number;
  producerVersion?: string;
  docString?: string;
  metadata?: Record<string, string>;
}

type SymbolicTensor = import('@tensorflow/tfjs').SymbolicTensor;

function shapeOf(t: SymbolicTensor): (number | null)[] {
  return t.shape.map((d) => (d === null || d === undefined ? null : d));
}

/**
 * Writes a tfjs functional or sequential LayersModel as an ONNX ModelProto (inference graph, weights inlined).
 * Graph inputs keep the tfjs names and layouts (e.g. `melspec` [n, 64, 256, 1], channels last); the outputs keep
 * the tfjs output names. Throws a readable error for any layer type or option it does not cover.
 */
export function exportToOnnx(model: LayersModel, options: OnnxExportOptions = {}): Uint8Array {
  const graph = new OnnxGraph();
  const values = new Map<number, OnnxValue>();
  for (const layer of model.layers) {
    if (layer.inboundNodes.length !== 1) throw new Error(`Layer ${layer.name} is shared or unused; the exporter needs each layer applied once`);
    const node = layer.inboundNodes[0];
    const className = layer.getClassName();
    if (className === 'InputLayer') {
      const t = node.outputTensors[0];
      graph.addInput(layer.name, shapeOf(t));
      values.set(t.id, { name: layer.name, shape: shapeOf(t), nchw: false });
      continue;
    }
    const convert = layerConverters[className];
    if (!convert) throw new Error(`Layer ${layer.name} (${className}) cannot be exported to ONNX`);
    const inputs = node.inputTensors.map((t) => {
      const v = values.get(t.id);
      if (!v) throw new Error(`Layer ${layer.name}: its input ${t.name} was not produced before it`);
      return v;
    });
    if (node.outputTensors.length !== 1) throw new Error(`Layer ${layer.name} has several outputs; not exported`);
    const out = convert({ graph, layer, config: layer.getConfig() as Record<string, unknown>, inputs, outputShape: shapeOf(node.outputTensors[0]) });
    values.set(node.outputTensors[0].id, out);
  }
  model.outputs.forEach((t, i) => {
    const v = values.get(t.id);
    if (!v) throw new Error(`Model output ${t.name} was not produced`);
    const plain = toPlain(graph, v, 'output');
    const name = model.outputNames[i].replace(/\/.*$/, '');
    graph.node('Identity', [plain.name], `output_${i}`, {}, [name]);
    graph.addOutput(name, v.shape);
  });
  const modelProto = {
    ir_version: 8,
    opset_import: [{ domain: '', version: options.opset ?? 17 }],
    producer_name: 'genre-tagger',
    producer_version: options.producerVersion ?? '',
    doc_string: options.docString ?? '',
    graph: {
      name: model.name,
      node: graph.nodes,
      initializer: graph.initializers,
      input: graph.inputs,
      output: graph.outputs,
    },
    metadata_props: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
  };
  const type = onnxMessage('ModelProto');
  return type.encode(type.fromObject(modelProto)).finish();
}
