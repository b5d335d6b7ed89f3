import { parseArgs } from 'node:util';
import { jobResult } from '../../../shared/api/jobs.ts';
import { activeNamesNone } from '../../../shared/api/personal.ts';
import type { MetricsSummary, RetrainSummary } from '../../../shared/api/personal.ts';
import { startRetrain } from '../../services/personal.ts';
import { openCliContext } from '../cli-context.ts';
import type { CliCommand } from '../command.ts';
import { UsageError } from '../command.ts';
import { waitWithProgress } from '../progress-printer.ts';

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

function table(report: RetrainSummary['report']): string {
  // an active model that names none of these genres has no precision or recall on them worth a column
  const a = activeNamesNone(report) ? null : report.active;
  const lines = [`GENRE                           NEW: PRECISION  RECALL${a ? '   ACTIVE: PRECISION  RECALL' : ''}   TRACKS`];
  const row = (m: MetricsSummary | null, genre: string): string => {
    const c = m?.perClass.find((p) => p.label === genre);
    return c ? `${pct(c.precision).padStart(14)}  ${pct(c.recall).padStart(6)}` : `${'-'.padStart(14)}  ${'-'.padStart(6)}`;
  };
  for (const g of report.genres) {
    const support = report.candidate.perClass.find((p) => p.label === g)?.support ?? 0;
    lines.push(`${g.padEnd(30)}  ${row(report.candidate, g)}${a ? `  ${row(a, g).padStart(25)}` : ''}  ${String(support).padStart(7)}`);
  }
  return lines.join('\n');
}

function confusion(m: MetricsSummary): string {
  const w = Math.max(4, ...m.labels.map((l) => Math.min(12, l.length)));
  const head = `${''.padEnd(w)}  ${m.labels.map((l) => l.slice(0, 6).padStart(6)).join(' ')}`;
  return [head, ...m.confusion.map((r, i) => `${m.labels[i].slice(0, w).padEnd(w)}  ${r.map((v) => String(v).padStart(6)).join(' ')}`)].join('\n');
}

export const retrainCommand: CliCommand = {
  name: 'retrain',
  summary: "Train your personal model from the library's labels, compare it with the active one on album-grouped folds, activate it if better",
  usage: 'genre-tagger retrain [--db FILE] [--activate | --no-activate] [--folds N] [--json] [--quiet]',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: { db: { type: 'string' }, activate: { type: 'boolean' }, 'no-activate': { type: 'boolean' }, folds: { type: 'string' }, json: { type: 'boolean' }, quiet: { type: 'boolean', short: 'q' } },
    });
    if (values.activate && values['no-activate']) throw new UsageError('Give --activate or --no-activate, not both.');
    const folds = values.folds === undefined ? undefined : Number(values.folds);
    if (folds !== undefined && !(Number.isInteger(folds) && folds >= 2 && folds <= 20)) throw new UsageError('--folds takes a whole number from 2 to 20');
    const { ctx } = openCliContext(values.db);
    try {
      const job = startRetrain(ctx, { activate: values.activate ? 'always' : values['no-activate'] ? 'never' : 'if-better', folds });
      const done = await waitWithProgress(ctx, job.id, values.quiet || values.json);
      if (done.status === 'failed') {
        process.stderr.write(`${done.error}\n`);
        return 1;
      }
      const s = jobResult(done, 'retrain');
      // Only a cancelled retrain ends without a summary.
      if (done.status === 'cancelled' || !s) return 130;
      const out = process.stdout;
      if (values.json) {
        out.write(`${JSON.stringify(s)}\n`);
        return 0;
      }
      const r = s.report;
      out.write(`Personal model ${s.version}: ${r.genres.length} genres from ${r.evaluated} labelled tracks in ${r.groups} albums.\n`);
      out.write(`Cross-validated (${r.folds} folds, grouped by album): accuracy ${pct(r.candidate.accuracy)}, macro F1 ${pct(r.candidate.macroF1)}`);
      if (!r.active) out.write('.\n');
      else if (activeNamesNone(r)) out.write(`; the active model (${r.active.name}) names none of these genres: nothing to compare.\n`);
      else out.write(`; active (${r.active.name}) on the same folds: accuracy ${pct(r.active.accuracy)}, macro F1 ${pct(r.active.macroF1)}.\n`);
      out.write(`\n${table(r)}\n\nConfusion of the new model (rows: your label, columns: its prediction)\n${confusion(r.candidate)}\n\n`);
      if (r.needMore.length > 0) out.write(`Not predicted yet: ${r.needMore.map((g) => `${g.genre} needs ${g.needed} more example${g.needed === 1 ? '' : 's'}`).join('; ')}.\n`);
      if (s.notListened > 0) out.write(`${s.notListened} labelled tracks were left out: not listened to yet (run classify).\n`);
      out.write(`${s.reason}\n`);
      if (s.activated) out.write(`Re-predicted ${s.repredicted} tracks from their stored embeddings in ${(s.repredictMs / 1000).toFixed(2)} s.\n`);
      return 0;
    } finally {
      await ctx.close();
    }
  },
};
