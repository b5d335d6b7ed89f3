import { parseArgs } from 'node:util';
import { importTags, labelSummary, setUnsureThreshold } from '../../services/personal.ts';
import { openCliContext } from '../cli-context.ts';
import type { CliCommand } from '../command.ts';
import { UsageError } from '../command.ts';

export const labelsCommand: CliCommand = {
  name: 'labels',
  summary: "Show the library's labels per genre and source; `labels import-tags` turns the files' genre tags into labels",
  usage:
    'genre-tagger labels [--unsure-threshold X] [--db FILE] [--json] | genre-tagger labels import-tags [--folder DIR] [--dry-run] [--db FILE] [--json]\n' +
    '       --unsure-threshold X (0..1) sets the library\'s threshold under which a prediction is shown as unsure (default 0.5)',
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { db: { type: 'string' }, json: { type: 'boolean' }, folder: { type: 'string' }, 'dry-run': { type: 'boolean' }, 'unsure-threshold': { type: 'string' } },
    });
    const [action] = positionals;
    if (action !== undefined && action !== 'import-tags') throw new UsageError(`Unknown action ${action}`);
    if (action === undefined && (values.folder || values['dry-run'])) throw new UsageError('--folder and --dry-run belong to `labels import-tags`.');
    const threshold = values['unsure-threshold'] === undefined ? undefined : Number(values['unsure-threshold']);
    if (threshold !== undefined && !(threshold >= 0 && threshold <= 1)) throw new UsageError('--unsure-threshold takes a number from 0 to 1');
    const { ctx } = openCliContext(values.db);
    const out = process.stdout;
    try {
      if (action === 'import-tags') {
        const r = importTags(ctx, { folder: values.folder, dryRun: values['dry-run'] });
        if (values.json) {
          out.write(`${JSON.stringify(r)}\n`);
          return 0;
        }
        out.write(`${r.dryRun ? 'Would import' : 'Imported'} the genre tags of ${r.tracks} track${r.tracks === 1 ? '' : 's'}: ` +
          `${r.created} new label${r.created === 1 ? '' : 's'}, ${r.updated} updated, ${r.unchanged} unchanged, ${r.removed} removed` +
          `${r.keptPersonal ? `; ${r.keptPersonal} kept as you labelled them` : ''}.\n`);
        if (r.genres.length > 0) {
          out.write('\nGENRE                           TRACKS\n');
          for (const g of r.genres) out.write(`${g.genre.padEnd(30)}  ${String(g.count).padStart(6)}\n`);
        }
        if (r.junk.length > 0) {
          out.write(`\nIgnored (placeholders, not genres): ${r.junk.map((j) => `"${j.value}" (${j.count})`).join(', ')}\n`);
        }
        return 0;
      }
      if (threshold !== undefined) setUnsureThreshold(ctx, threshold);
      const s = labelSummary(ctx);
      if (values.json) {
        out.write(`${JSON.stringify(s)}\n`);
        return 0;
      }
      out.write(`${s.labelled} labelled track${s.labelled === 1 ? '' : 's'}: ${s.bySource.corrected} corrected, ${s.bySource.accepted} accepted, ${s.bySource.tag} from tags.\n`);
      out.write(`Predictions under ${Math.round(100 * s.unsureThreshold)}% are shown as unsure.\n`);
      if (s.notListened > 0) out.write(`${s.notListened} of them not listened to yet: \`genre-tagger classify\` brings them in.\n`);
      if (s.genres.length > 0) {
        out.write('\nGENRE                           TRACKS  CORRECTED  ACCEPTED  FROM TAG\n');
        for (const g of s.genres) {
          out.write(`${g.genre.padEnd(30)}  ${String(g.count).padStart(6)}  ${String(g.bySource.corrected).padStart(9)}  ${String(g.bySource.accepted).padStart(8)}  ${String(g.bySource.tag).padStart(8)}` +
            `${g.needed > 0 ? `  needs ${g.needed} more example${g.needed === 1 ? '' : 's'}` : g.listened < s.minExamples ? `  ${g.listened} listened to: classify before retraining` : ''}\n`);
        }
      }
      return 0;
    } finally {
      await ctx.close();
    }
  },
};
