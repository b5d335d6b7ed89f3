import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { isAudioPath } from '../../scan/audio-extensions.ts';
import { parseCsv } from './csv.ts';
import { trackKeyOf } from './track-key.ts';

export interface AudioItem {
  path: string;
  label: string;
  /** Track identity for splits (see trackKeyOf; unique per file here). */
  track: string;
}

export interface AudioDataset {
  root: string;
  source: 'folders' | 'labels.csv';
  items: AudioItem[];
}

function fromLabelsCsv(file: string): AudioDataset {
  const root = dirname(file);
  const records = parseCsv(readFileSync(file, 'utf8'), { source: file });
  const header = (records[0]?.fields ?? []).map((h) => h.trim().toLowerCase());
  const pathCol = header.findIndex((h) => h === 'path' || h === 'file' || h === 'filename');
  const labelCol = header.findIndex((h) => h === 'genre' || h === 'label');
  if (pathCol < 0 || labelCol < 0) throw new Error(`${file}: the header must name a path column and a genre column (path,genre)`);
  const items: AudioItem[] = [];
  const missing: string[] = [];
  for (const { fields, line } of records.slice(1)) {
    const rel = fields[pathCol]?.trim();
    const label = fields[labelCol]?.trim();
    if (!rel || !label) throw new Error(`${file} line ${line}: empty path or genre`);
    const path = isAbsolute(rel) ? rel : resolve(root, rel);
    if (!existsSync(path)) missing.push(rel);
    items.push({ path, label, track: trackKeyOf(path) });
  }
  if (missing.length > 0) throw new Error(`${file} lists ${missing.length} file(s) that do not exist, e.g. ${missing.slice(0, 3).join(', ')}`);
  return { root, source: 'labels.csv', items: distinctTrackKeys(root, items) };
}

/**
 * Track keys are file names without extension (so split lists like `blues/blues.00029.wav` find them); two
 * different files with one stem (x.wav and x.mp3) would share a split side, so they are told apart by path.
 */
function distinctTrackKeys(root: string, items: AudioItem[]): AudioItem[] {
  const seen = new Map<string, string>();
  for (const item of items) {
    const prev = seen.get(item.track);
    if (prev !== undefined && prev !== item.path) item.track = relative(root, item.path);
    else seen.set(item.track, item.path);
  }
  return items;
}

function fromFolders(root: string): AudioDataset {
  const items: AudioItem[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const walk = (dir: string): void => {
      for (const f of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const p = join(dir, f.name);
        if (f.isDirectory()) walk(p);
        else if (f.isFile() && isAudioPath(f.name)) items.push({ path: p, label: entry.name, track: trackKeyOf(f.name) });
      }
    };
    walk(join(root, entry.name));
  }
  return { root, source: 'folders', items: distinctTrackKeys(root, items) };
}

/**
 * A labelled audio dataset: a folder of `<genre>/<file>` sub-folders (the genre is the folder name, files may be
 * nested deeper), or a `labels.csv` (path,genre; paths relative to the CSV), given as the CSV or its folder.
 */
export function readAudioDataset(path: string): AudioDataset {
  const target = resolve(path);
  if (!existsSync(target)) throw new Error(`Dataset not found: ${target}`);
  if (statSync(target).isFile()) return fromLabelsCsv(target);
  if (existsSync(join(target, 'labels.csv'))) return fromLabelsCsv(join(target, 'labels.csv'));
  const data = fromFolders(target);
  if (data.items.length === 0) throw new Error(`${target} holds no audio in <genre>/<file> folders and no labels.csv`);
  return data;
}
