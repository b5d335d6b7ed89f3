import type { ModelManifest } from '../store/model-manifest.ts';
import type { ModelKind } from '../store/model-kinds.ts';

/** A stored model version as plain data (it can be sent to worker threads): what inference opens. */
export interface InstalledModel {
  kind: ModelKind;
  version: string;
  /** The version folder (weights + manifest.json). */
  dir: string;
  manifest: ModelManifest;
}
