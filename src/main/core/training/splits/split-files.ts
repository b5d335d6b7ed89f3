import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { trackKeyOf } from '../datasets/track-key.ts';

export type SplitPart = 'train' | 'valid' | 'test';

/** A fixed split by track: which tracks go to training, validation (tuning) and test. */
export interface TrackSplit {
  source: string;
  train: Set<string>;
  valid: Set<string>;
  test: Set<string>;
}

const partNames: Record<SplitPart, string[]> = { train: ['train', 'training'], valid: ['valid', 'validation', 'val', 'dev'], test: ['test', 'testing'] };

function partOf(file: string): { part: SplitPart; rest: string } | null {
  const m = /^([a-z]+)(.*)\.txt$/i.exec(basename(file));
  if (!m) return null;
  const word = m[1].toLowerCase();
  for (const part of Object.keys(partNames) as SplitPart[]) if (partNames[part].includes(word)) return { part, rest: m[2] };
  return null;
}

function readList(file: string): Set<string> {
  const keys = readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map(trackKeyOf);
  return new Set(keys);
}

/**
 * Reads a split given as a folder holding `train*.txt`, `valid*.txt` and `test*.txt` lists (one track per line,
 * e.g. the GTZAN fault-filtered `train_filtered.txt` …), or as one of those files (its siblings with the same
 * suffix are used). Throws if a list is missing or a track sits in two parts.
 */
export function readSplitFiles(path: string): TrackSplit {
  const target = resolve(path);
  if (!existsSync(target)) throw new Error(`Split not found: ${target}`);
  let dir = target;
  let suffix: string | null = null;
  if (statSync(target).isFile()) {
    const p = partOf(target);
    if (!p) throw new Error(`${target} is not named like a split list (train*.txt, valid*.txt or test*.txt)`);
    dir = dirname(target);
    suffix = p.rest;
  }
  const files: Partial<Record<SplitPart, string>> = {};
  for (const f of readdirSync(dir).sort()) {
    const p = partOf(f);
    if (!p || (suffix !== null && p.rest !== suffix)) continue;
    if (files[p.part]) throw new Error(`Two ${p.part} lists in ${dir}: ${basename(files[p.part]!)} and ${f}; name one of them with --split`);
    files[p.part] = join(dir, f);
  }
  for (const part of ['train', 'valid', 'test'] as SplitPart[]) {
    if (!files[part]) throw new Error(`No ${part} list (${partNames[part][0]}${suffix ?? '*'}.txt) in ${dir}`);
  }
  const split: TrackSplit = { source: target, train: readList(files.train!), valid: readList(files.valid!), test: readList(files.test!) };
  for (const t of split.test) {
    if (split.train.has(t) || split.valid.has(t)) throw new Error(`Track ${t} is both in the test list and in train/valid`);
  }
  for (const t of split.valid) if (split.train.has(t)) throw new Error(`Track ${t} is both in the train and the valid list`);
  return split;
}

/** Indices of items in each part; items whose track is in no list are left out (and counted). */
export function applySplit(tracks: readonly string[], split: TrackSplit): Record<SplitPart, number[]> & { unassigned: number } {
  const out = { train: [] as number[], valid: [] as number[], test: [] as number[], unassigned: 0 };
  tracks.forEach((t, i) => {
    if (split.train.has(t)) out.train.push(i);
    else if (split.valid.has(t)) out.valid.push(i);
    else if (split.test.has(t)) out.test.push(i);
    else out.unassigned++;
  });
  return out;
}
