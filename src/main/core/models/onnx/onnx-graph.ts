import { onnxAttributeType, onnxDataType } from './onnx-schema.ts';

export type AttributeValue = number | string | number[] | string[] | { float: number } | { floats: number[] };

interface AttributeObject {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
}

export interface NodeObject {
  name: string;
  op_type: string;
  input: string[];
  output: string[];
  attribute: AttributeObject[];
}

export interface TensorObject {
  name: string;
  dims: number[];
  data_type: number;
  raw_data: Uint8Array;
}

export interface ValueInfoObject {
  name: string;
  type: { tensor_type: { elem_type: number; shape: { dim: ({ dim_value: number } | { dim_param: string })[] } } };
}

const utf8 = new TextEncoder();

function attribute(name: string, value: AttributeValue): AttributeObject {
  if (typeof value === 'string') return { name, type: onnxAttributeType.STRING, s: utf8.encode(value) };
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`Attribute ${name}: use { float } for non-integers`);
    return { name, type: onnxAttributeType.INT, i: value };
  }
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'string')) return { name, type: onnxAttributeType.STRINGS, strings: (value as string[]).map((v) => utf8.encode(v)) };
    return { name, type: onnxAttributeType.INTS, ints: value as number[] };
  }
  if ('float' in value) return { name, type: onnxAttributeType.FLOAT, f: value.float };
  return { name, type: onnxAttributeType.FLOATS, floats: value.floats };
}

function littleEndian(values: ArrayLike<number>, bytes: 4 | 8): Uint8Array {
  const out = new Uint8Array(values.length * bytes);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) {
    if (bytes === 4) view.setFloat32(i * 4, values[i], true);
    else view.setBigInt64(i * 8, BigInt(values[i]), true);
  }
  return out;
}

/** Builds an ONNX graph: nodes in topological order, float and int64 initializers, unique value names. */
export class OnnxGraph {
  readonly nodes: NodeObject[] = [];
  readonly initializers: TensorObject[] = [];
  readonly inputs: ValueInfoObject[] = [];
  readonly outputs: ValueInfoObject[] = [];
  private readonly used = new Set<string>();

  unique(base: string): string {
    const clean = base.replace(/[^A-Za-z0-9_./:-]/g, '_') || 'value';
    let name = clean;
    for (let i = 1; this.used.has(name); i++) name = `${clean}_${i}`;
    this.used.add(name);
    return name;
  }

  floatTensor(base: string, data: ArrayLike<number>, dims: number[]): string {
    const size = dims.reduce((a, b) => a * b, 1);
    if (size !== data.length) throw new Error(`Initializer ${base}: ${data.length} values for dims [${dims.join(', ')}]`);
    const name = this.unique(base);
    this.initializers.push({ name, dims, data_type: onnxDataType.FLOAT, raw_data: littleEndian(data, 4) });
    return name;
  }

  int64Tensor(base: string, data: number[], dims: number[] = [data.length]): string {
    const name = this.unique(base);
    this.initializers.push({ name, dims, data_type: onnxDataType.INT64, raw_data: littleEndian(data, 8) });
    return name;
  }

  /**
   * Adds a node; returns its output names: one unless `outputs` asks for more, or exactly the names given
   * (graph outputs).
   */
  node(opType: string, inputs: string[], base: string, attributes: Record<string, AttributeValue> = {}, outputs: number | string[] = 1): string[] {
    const name = this.unique(`${base}/${opType}`);
    const out = Array.isArray(outputs)
      ? outputs.map((o) => {
          if (this.used.has(o)) throw new Error(`Duplicate value name ${o}`);
          this.used.add(o);
          return o;
        })
      : Array.from({ length: outputs }, (_, i) => this.unique(outputs === 1 ? `${base}/${opType.toLowerCase()}` : `${base}/${opType.toLowerCase()}_${i}`));
    this.nodes.push({
      name,
      op_type: opType,
      input: inputs,
      output: out,
      attribute: Object.entries(attributes).map(([k, v]) => attribute(k, v)),
    });
    return out;
  }

  /** Declares a float graph input or output; null dims are symbolic (the batch). */
  valueInfo(name: string, shape: (number | null)[], batchName = 'n'): ValueInfoObject {
    return {
      name,
      type: {
        tensor_type: {
          elem_type: onnxDataType.FLOAT,
          shape: { dim: shape.map((d) => (d === null || d < 0 ? { dim_param: batchName } : { dim_value: d })) },
        },
      },
    };
  }

  addInput(name: string, shape: (number | null)[]): string {
    if (this.used.has(name)) throw new Error(`Duplicate graph input ${name}`);
    this.used.add(name);
    this.inputs.push(this.valueInfo(name, shape));
    return name;
  }

  addOutput(name: string, shape: (number | null)[]): void {
    this.outputs.push(this.valueInfo(name, shape));
  }
}
