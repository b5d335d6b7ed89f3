import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelKind, ModelManifest } from './model-manifest.ts';
import { modelKinds, modelManifestSchema } from './model-manifest.ts';

export interface ModelVersion {
  manifest: ModelManifest;
  /** The version folder (weights + manifest.json). */
  dir: string;
  source: 'shipped' | 'user';
  active: boolean;
}

/** Which version of each kind is active, with the earlier choices for roll-back (last = active). */
type ActiveFile = Partial<Record<ModelKind, { history: string[] }>>;

const manifestFile = 'manifest.json';
const activeFile = 'active.json';

export function readManifest(dir: string): ModelManifest {
  const file = join(dir, manifestFile);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read ${file}: ${(error as Error).message}`);
  }
  const parsed = modelManifestSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`${file} is not a valid model manifest: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  for (const [role, name] of Object.entries(parsed.data.files)) {
    if (name.includes('..') || name.startsWith('/')) throw new Error(`${file}: file ${role} points outside the model folder`);
  }
  return parsed.data;
}

/** A version id that sorts by time: `<kind>-YYYYMMDD-HHMMSS-xxxx`. */
export function newVersionId(kind: ModelKind, date = new Date()): string {
  const stamp = date.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${kind}-${stamp}-${randomBytes(2).toString('hex')}`;
}

/**
 * Model versions on disk: read-only shipped defaults (the app's `models/` folder) and the user's trained versions
 * (`<user data>/models`), each `<kind>/<version>/manifest.json` + weights. One version per kind is active; without
 * a choice, the newest shipped default is. Every choice is remembered so it can be rolled back.
 */
export class ModelStore {
  readonly userDir: string;
  readonly shippedDir: string | null;

  constructor(options: { userDir: string; shippedDir?: string | null }) {
    this.userDir = options.userDir;
    this.shippedDir = options.shippedDir ?? null;
  }

  private scan(root: string | null, source: 'shipped' | 'user', kind: ModelKind): Omit<ModelVersion, 'active'>[] {
    if (!root) return [];
    const dir = join(root, kind);
    if (!existsSync(dir)) return [];
    const out: Omit<ModelVersion, 'active'>[] = [];
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      const versionDir = join(dir, entry.name);
      if (!existsSync(join(versionDir, manifestFile))) continue;
      const manifest = readManifest(versionDir);
      if (manifest.kind !== kind || manifest.version !== entry.name) {
        throw new Error(`${versionDir}: the manifest says ${manifest.kind}/${manifest.version}, the folder is ${kind}/${entry.name}`);
      }
      out.push({ manifest, dir: versionDir, source });
    }
    return out;
  }

  private readActive(): ActiveFile {
    const file = join(this.userDir, activeFile);
    if (!existsSync(file)) return {};
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as ActiveFile;
    } catch {
      return {};
    }
  }

  private writeActive(active: ActiveFile): void {
    mkdirSync(this.userDir, { recursive: true });
    const file = join(this.userDir, activeFile);
    writeFileSync(`${file}.tmp`, `${JSON.stringify(active, null, 2)}\n`);
    renameSync(`${file}.tmp`, file);
  }

  /** Every version of `kind` (or of all kinds), newest first; user versions before shipped ones of the same date. */
  list(kind?: ModelKind): ModelVersion[] {
    const kinds = kind ? [kind] : [...modelKinds];
    const out: ModelVersion[] = [];
    for (const k of kinds) {
      const all = [...this.scan(this.userDir, 'user', k), ...this.scan(this.shippedDir, 'shipped', k)];
      all.sort((a, b) => (a.manifest.createdAt < b.manifest.createdAt ? 1 : a.manifest.createdAt > b.manifest.createdAt ? -1 : a.source === 'user' ? -1 : 1));
      const activeId = this.resolveActive(k, all);
      out.push(...all.map((v) => ({ ...v, active: v.manifest.version === activeId })));
    }
    return out;
  }

  private resolveActive(kind: ModelKind, all: Omit<ModelVersion, 'active'>[]): string | null {
    const history = this.readActive()[kind]?.history ?? [];
    for (let i = history.length - 1; i >= 0; i--) if (all.some((v) => v.manifest.version === history[i])) return history[i];
    return (all.find((v) => v.source === 'shipped') ?? all[0])?.manifest.version ?? null;
  }

  get(kind: ModelKind, version: string): ModelVersion {
    const found = this.list(kind).find((v) => v.manifest.version === version);
    if (!found) throw new Error(`No ${kind} model version ${version} (have: ${this.list(kind).map((v) => v.manifest.version).join(', ') || 'none'})`);
    return found;
  }

  /** The version predictions use now, or null when no version of this kind exists. */
  active(kind: ModelKind): ModelVersion | null {
    return this.list(kind).find((v) => v.active) ?? null;
  }

  setActive(kind: ModelKind, version: string): ModelVersion {
    this.get(kind, version);
    const active = this.readActive();
    const history = (active[kind]?.history ?? []).filter((v) => v !== version);
    history.push(version);
    active[kind] = { history: history.slice(-50) };
    this.writeActive(active);
    return this.get(kind, version);
  }

  /** Re-activates the version active before the current one (the shipped default when there is none). */
  rollback(kind: ModelKind): ModelVersion {
    const active = this.readActive();
    const history = active[kind]?.history ?? [];
    if (history.length === 0) throw new Error(`The ${kind} model is already the default; there is nothing to roll back`);
    history.pop();
    active[kind] = { history };
    this.writeActive(active);
    const now = this.active(kind);
    if (!now) throw new Error(`No ${kind} model is left after rolling back`);
    return now;
  }

  /**
   * Writes a new user version: `write(dir)` puts the weights into a temporary folder, then the manifest is added
   * and the folder renamed into place, so a crash never leaves a half-written version. Returns the new version,
   * activated unless `activate` is false.
   */
  async save(manifest: ModelManifest, write: (dir: string) => Promise<void> | void, options: { activate?: boolean; root?: string } = {}): Promise<ModelVersion> {
    const parsed = modelManifestSchema.parse(manifest);
    const root = options.root ?? this.userDir;
    const kindDir = join(root, parsed.kind);
    const finalDir = join(kindDir, parsed.version);
    if (existsSync(finalDir) && root === this.userDir) throw new Error(`Model version ${parsed.kind}/${parsed.version} already exists`);
    const tmp = join(kindDir, `.tmp-${parsed.version}-${randomBytes(3).toString('hex')}`);
    mkdirSync(tmp, { recursive: true });
    try {
      await write(tmp);
      for (const [role, name] of Object.entries(parsed.files)) {
        if (!existsSync(join(tmp, name))) throw new Error(`The ${role} file ${name} was not written`);
      }
      writeFileSync(join(tmp, manifestFile), `${JSON.stringify(parsed, null, 2)}\n`);
      if (existsSync(finalDir)) rmSync(finalDir, { recursive: true });
      renameSync(tmp, finalDir);
    } catch (error) {
      rmSync(tmp, { recursive: true, force: true });
      throw error;
    }
    if (root !== this.userDir) return { manifest: parsed, dir: finalDir, source: root === this.shippedDir ? 'shipped' : 'user', active: false };
    if (options.activate !== false) return this.setActive(parsed.kind, parsed.version);
    return this.get(parsed.kind, parsed.version);
  }

  /** Deletes a user version (shipped ones are read-only); the active choice falls back as in rollback. */
  remove(kind: ModelKind, version: string): void {
    const v = this.get(kind, version);
    if (v.source !== 'user') throw new Error(`${kind}/${version} is a shipped default and cannot be deleted`);
    rmSync(v.dir, { recursive: true });
    const active = this.readActive();
    if (active[kind]) {
      active[kind] = { history: active[kind]!.history.filter((h) => h !== version) };
      this.writeActive(active);
    }
  }
}
