import type { TagBatchInfo, TagFileResult } from '../../shared/api/tags.ts';
import type { Handlers } from '../services/handler-set.ts';

export function genreList(genres: readonly string[] | null): string {
  if (genres === null) return '?';
  return genres.length > 0 ? genres.join('; ') : '(no genre)';
}

export function batchCounts(b: TagBatchInfo): string {
  const c = b.counts;
  const parts = [`${c.written} written`, `${c.unchanged} unchanged`];
  if (c.skipped) parts.push(`${c.skipped} skipped`);
  if (c.failed) parts.push(`${c.failed} failed`);
  if (c.pending) parts.push(`${c.pending} not reached`);
  if (c.undone) parts.push(`${c.undone} undone`);
  return parts.join(', ');
}

/** Every per-file result of a batch, page by page. */
export async function allBatchRows(api: Handlers, id: number): Promise<{ batch: TagBatchInfo; rows: TagFileResult[] }> {
  const rows: TagFileResult[] = [];
  let batch: TagBatchInfo | undefined;
  for (let offset = 0; ; offset += 1000) {
    const page = await api['tags.batch']({ id, offset, limit: 1000 });
    batch = page.batch;
    rows.push(...page.rows);
    if (page.rows.length < 1000) break;
  }
  return { batch: batch!, rows };
}

/** The outcome of a finished write or undo batch, for a terminal: problems file by file, then the counts. */
export function printBatchOutcome(out: NodeJS.WritableStream, batch: TagBatchInfo, rows: readonly TagFileResult[], verbose: boolean): void {
  for (const r of rows) {
    if (r.status === 'failed' || r.status === 'skipped') {
      out.write(`${r.status.padEnd(9)} ${r.path}\n          ${r.error ?? ''}\n`);
    } else if (verbose && r.status === 'written') {
      out.write(`written   ${r.path}\n          ${genreList(r.oldGenres)} -> ${genreList(r.newGenres)}  [${r.frame ?? ''}]\n`);
    }
  }
  const state = batch.status === 'done' ? '' : ` (${batch.status})`;
  out.write(`Batch ${batch.id}${state}: ${batchCounts(batch)}.\n`);
}
