import { resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { clearLabels } from '../../core/db/track-labels.ts';
import { setTrackLabels } from '../../services/labels.ts';
import { openCliContext } from '../cli-context.ts';
import type { CliCommand } from '../command.ts';
import { UsageError } from '../command.ts';

export const labelCommand: CliCommand = {
  name: 'label',
  summary: "Give tracks (files, or every track under a folder) your genres, accept their predictions, or clear their labels",
  usage: 'genre-tagger label <path…> (--genre G [--genre G2 …] | --accept | --clear) [--db FILE] [--json]',
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { genre: { type: 'string', multiple: true }, accept: { type: 'boolean' }, clear: { type: 'boolean' }, db: { type: 'string' }, json: { type: 'boolean' } },
    });
    const modes = [values.genre ? 1 : 0, values.accept ? 1 : 0, values.clear ? 1 : 0].reduce((a, b) => a + b, 0);
    if (modes !== 1) throw new UsageError('Give exactly one of --genre G, --accept or --clear.');
    if (positionals.length === 0) throw new UsageError('Name the files or folders to label.');
    const { ctx } = openCliContext(values.db);
    try {
      const find = ctx.db.prepare(
        `SELECT id, path, predicted_genre AS predicted FROM tracks WHERE status <> 'missing'
         AND (path = @path OR dir = @path OR substr(dir, 1, length(@prefix)) = @prefix) ORDER BY path`,
      );
      const tracks = new Map<number, { path: string; predicted: string | null }>();
      const unknown: string[] = [];
      for (const p of positionals) {
        const path = resolve(p);
        const rows = find.all({ path, prefix: path.endsWith(sep) ? path : path + sep }) as { id: number; path: string; predicted: string | null }[];
        if (rows.length === 0) unknown.push(path);
        for (const r of rows) tracks.set(r.id, r);
      }
      if (unknown.length > 0) {
        process.stderr.write(`Not in the library (scan it first): ${unknown.join(', ')}\n`);
        return 1;
      }
      const ids = [...tracks.keys()];
      let labelled = 0;
      let skipped = 0;
      if (values.clear) labelled = clearLabels(ctx.db, ids);
      else if (values.genre) labelled = setTrackLabels(ctx, ids, values.genre, 'corrected').updated;
      else {
        // Accept: each track keeps its own prediction.
        const byGenre = new Map<string, number[]>();
        for (const [id, t] of tracks) {
          if (!t.predicted) skipped++;
          else byGenre.set(t.predicted, [...(byGenre.get(t.predicted) ?? []), id]);
        }
        for (const [genre, list] of byGenre) labelled += setTrackLabels(ctx, list, [genre], 'accepted').updated;
      }
      const verb = values.clear ? 'Cleared the labels of' : values.accept ? 'Accepted the predictions of' : `Labelled ${values.genre!.join('; ')}:`;
      if (values.json) process.stdout.write(`${JSON.stringify({ tracks: ids.length, changed: labelled, withoutPrediction: skipped })}\n`);
      else {
        process.stdout.write(`${verb} ${labelled} track${labelled === 1 ? '' : 's'}.\n`);
        if (skipped > 0) process.stdout.write(`${skipped} track${skipped === 1 ? ' has' : 's have'} no prediction to accept (classify first).\n`);
      }
      return 0;
    } finally {
      await ctx.close();
    }
  },
};
