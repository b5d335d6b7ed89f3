import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { CNN_INPUT, GTZAN_FEATURE_COUNT, MLFI_INPUT, SEGMENT_SECONDS, analyzeTrack } from '../../features/index.ts';
import { windowFeatures, windowPlan } from '../../models/svm/svm-window-features.ts';
import { SVM_WINDOW_HOP_SECONDS, SVM_WINDOW_SECONDS } from '../../models/svm/svm-windows.ts';

const CNN_SIZE = CNN_INPUT.mels * CNN_INPUT.frames;
const MLFI_SIZE = MLFI_INPUT.mels * MLFI_INPUT.frames;
const MAGIC = 'GTAC';
/** 2: SVM windows pooled from the segments, as the app computes them (1: analysed again from the signal). */
export const CACHED_ANALYSIS_FORMAT = 2;
const FORMAT = CACHED_ANALYSIS_FORMAT;

/**
 * What training needs from the analysis of one audio file, as cached on disk: every 3 s segment's 57 features,
 * CNN input (64 x 256) and MLFI input (128 x 130), the whole track's clip features, and the 57 features of each
 * SVM window (30 s; one window for a clip of at most 31.5 s).
 */
export interface CachedAnalysis {
  engine: string;
  sha256: string;
  durationSeconds: number;
  segmentCount: number;
  segmentStarts: number[];
  /** [segments, 57] */
  segmentFeatures: Float32Array;
  /** [segments, 64 * 256], band-major per segment */
  cnn: Float32Array;
  /** [segments, 128 * 130], band-major per segment */
  mlfi: Float32Array;
  clipFeatures: Float32Array;
  svmWindowStarts: number[];
  /** [windows, 57] */
  svmWindows: Float32Array;
}

/** Analyses one file with the engine (segments, clip and SVM windows). Cancel with `signal`. */
export async function computeCachedAnalysis(path: string, meta: { engine: string; sha256: string }, signal?: AbortSignal): Promise<CachedAnalysis> {
  const starts: number[] = [];
  const parts = { features: [] as Float32Array[], cnn: [] as Float32Array[], mlfi: [] as Float32Array[] };
  const track = await analyzeTrack(path, {
    signal,
    keepSegments: false,
    onSegment: (s) => {
      starts.push(s.startSeconds);
      parts.features.push(s.features);
      parts.cnn.push(s.cnnInput);
      parts.mlfi.push(s.mlfiInput);
    },
  });
  const concat = (xs: Float32Array[], size: number): Float32Array => {
    const out = new Float32Array(xs.length * size);
    xs.forEach((x, i) => out.set(x, i * size));
    return out;
  };
  // The SVM's 30 s windows exactly as the app's classifier computes them (pooled from the segments; a track of
  // one window takes the clip's features), so what training and evaluation measure is what the app does.
  const segmentFeatures = concat(parts.features, GTZAN_FEATURE_COUNT);
  const plan = windowPlan(track.durationSeconds, SVM_WINDOW_SECONDS, SVM_WINDOW_HOP_SECONDS);
  const svmWindowStarts = plan.map((w) => w.start);
  const svmWindows = windowFeatures(plan, { starts, features: segmentFeatures, seconds: SEGMENT_SECONDS }, track.clip);
  return {
    engine: meta.engine,
    sha256: meta.sha256,
    durationSeconds: track.durationSeconds,
    segmentCount: starts.length,
    segmentStarts: starts,
    segmentFeatures,
    cnn: concat(parts.cnn, CNN_SIZE),
    mlfi: concat(parts.mlfi, MLFI_SIZE),
    clipFeatures: Float32Array.from(track.clip.features),
    svmWindowStarts,
    svmWindows,
  };
}

interface Header {
  format: number;
  engine: string;
  sha256: string;
  durationSeconds: number;
  segmentCount: number;
  segmentStarts: number[];
  svmWindowStarts: number[];
  arrays: { name: 'segmentFeatures' | 'cnn' | 'mlfi' | 'clipFeatures' | 'svmWindows'; length: number }[];
}

/** Writes the analysis as one binary file (magic, JSON header, float32 arrays), atomically. */
export function writeCachedAnalysis(file: string, a: CachedAnalysis): void {
  const arrays = (['segmentFeatures', 'cnn', 'mlfi', 'clipFeatures', 'svmWindows'] as const).map((name) => ({ name, length: a[name].length }));
  const header: Header = {
    format: FORMAT,
    engine: a.engine,
    sha256: a.sha256,
    durationSeconds: a.durationSeconds,
    segmentCount: a.segmentCount,
    segmentStarts: a.segmentStarts,
    svmWindowStarts: a.svmWindowStarts,
    arrays,
  };
  let json = Buffer.from(JSON.stringify(header));
  const pad = (4 - ((8 + json.length) % 4)) % 4;
  json = Buffer.concat([json, Buffer.alloc(pad, 0x20)]);
  const prefix = Buffer.alloc(8);
  prefix.write(MAGIC, 0, 'ascii');
  prefix.writeUInt32LE(json.length, 4);
  const body = arrays.map(({ name }) => Buffer.from(a[name].buffer, a[name].byteOffset, a[name].byteLength));
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    writeFileSync(tmp, Buffer.concat([prefix, json, ...body]));
    renameSync(tmp, file);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}

/** Reads a cached analysis; throws when the file is not one or is cut short. */
export function readCachedAnalysis(file: string): CachedAnalysis {
  const buf = readFileSync(file);
  if (buf.length < 8 || buf.toString('ascii', 0, 4) !== MAGIC) throw new Error(`${file} is not a cached analysis`);
  const headerLength = buf.readUInt32LE(4);
  const header = JSON.parse(buf.toString('utf8', 8, 8 + headerLength)) as Header;
  if (header.format !== FORMAT) throw new Error(`${file}: cache format ${header.format}, expected ${FORMAT}`);
  // Copy into an aligned buffer so Float32Array views are possible.
  const body = new Uint8Array(buf.length - 8 - headerLength);
  body.set(buf.subarray(8 + headerLength));
  const out: Partial<Record<Header['arrays'][number]['name'], Float32Array>> = {};
  let offset = 0;
  for (const { name, length } of header.arrays) {
    if (offset + length * 4 > body.byteLength) throw new Error(`${file} is truncated`);
    out[name] = new Float32Array(body.buffer, offset, length);
    offset += length * 4;
  }
  const n = header.segmentCount;
  const expect = { segmentFeatures: n * GTZAN_FEATURE_COUNT, cnn: n * CNN_SIZE, mlfi: n * MLFI_SIZE, clipFeatures: GTZAN_FEATURE_COUNT, svmWindows: header.svmWindowStarts.length * GTZAN_FEATURE_COUNT };
  for (const [name, length] of Object.entries(expect)) {
    if (out[name as keyof typeof expect]?.length !== length) throw new Error(`${file}: ${name} holds ${out[name as keyof typeof expect]?.length} values, expected ${length}`);
  }
  return {
    engine: header.engine,
    sha256: header.sha256,
    durationSeconds: header.durationSeconds,
    segmentCount: n,
    segmentStarts: header.segmentStarts,
    segmentFeatures: out.segmentFeatures!,
    cnn: out.cnn!,
    mlfi: out.mlfi!,
    clipFeatures: out.clipFeatures!,
    svmWindowStarts: header.svmWindowStarts,
    svmWindows: out.svmWindows!,
  };
}
