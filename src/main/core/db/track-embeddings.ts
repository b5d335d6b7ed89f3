import { createHash } from 'node:crypto';
import { float32Blob, readFloat32Blob } from './blob-codec.ts';
import type { Database } from './database.ts';

/** The id of a list of embedding columns (the same list always gets the same id). */
export function layoutId(columns: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify(columns)).digest('hex').slice(0, 16);
}

/** Stores embeddings; call inside the writer's transaction. Layouts are registered once per writer. */
export class EmbeddingWriter {
  private readonly known = new Set<string>();
  private readonly statements;

  constructor(db: Database) {
    this.statements = {
      layout: db.prepare('INSERT OR IGNORE INTO embedding_layouts (id, columns_json) VALUES (?, ?)'),
      embedding: db.prepare('INSERT OR REPLACE INTO track_embeddings (track_id, content_version, layout_id, vector) VALUES (?, ?, ?, ?)'),
    };
  }

  write(trackId: number, contentVersion: number, columns: readonly string[], values: ArrayLike<number>): string {
    if (values.length !== columns.length) throw new Error(`An embedding of ${values.length} values for ${columns.length} columns`);
    const id = layoutId(columns);
    if (!this.known.has(id)) {
      this.statements.layout.run(id, JSON.stringify(columns));
      this.known.add(id);
    }
    this.statements.embedding.run(trackId, contentVersion, id, float32Blob(values));
    return id;
  }
}

/** Embeddings of one layout: the track ids and their rows [n, columns] row-major. */
export interface EmbeddingBlock {
  columns: string[];
  trackIds: number[];
  rows: Float32Array;
}

/**
 * Every current embedding (of the track's present audio, for tracks that are in the library), grouped by layout;
 * only those of `trackIds` when given.
 */
export function readEmbeddings(db: Database, trackIds?: readonly number[]): EmbeddingBlock[] {
  const layouts = new Map<string, string[]>();
  for (const r of db.prepare('SELECT id, columns_json FROM embedding_layouts').all() as { id: string; columns_json: string }[]) {
    layouts.set(r.id, JSON.parse(r.columns_json) as string[]);
  }
  const rows = db
    .prepare(
      `SELECT e.track_id AS id, e.layout_id AS layout, e.vector AS vector FROM track_embeddings e
       JOIN tracks t ON t.id = e.track_id AND t.content_version = e.content_version AND t.status = 'ok'
       WHERE @ids IS NULL OR e.track_id IN (SELECT value FROM json_each(@ids))
       ORDER BY e.track_id`,
    )
    .all({ ids: trackIds ? JSON.stringify(trackIds) : null }) as { id: number; layout: string; vector: Buffer }[];
  const blocks = new Map<string, { ids: number[]; vectors: Float32Array[] }>();
  for (const r of rows) {
    let b = blocks.get(r.layout);
    if (!b) blocks.set(r.layout, (b = { ids: [], vectors: [] }));
    b.ids.push(r.id);
    b.vectors.push(readFloat32Blob(r.vector));
  }
  return [...blocks].map(([layout, b]) => {
    const columns = layouts.get(layout) ?? [];
    const out = new Float32Array(b.ids.length * columns.length);
    b.vectors.forEach((v, i) => out.set(v.subarray(0, columns.length), i * columns.length));
    return { columns, trackIds: b.ids, rows: out };
  });
}
