import type { ClassificationMetrics } from './classification-metrics.ts';

const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;

/** A plain-text report: accuracy, the per-class table and the confusion matrix (rows true, columns predicted). */
export function formatMetrics(m: ClassificationMetrics, title = 'Evaluation'): string {
  const width = Math.max(9, ...m.labels.map((l) => l.length));
  const lines = [
    `${title}: accuracy ${pct(m.accuracy)} (${Math.round(m.accuracy * m.n)} of ${m.n}), macro F1 ${pct(m.macroF1)}` +
      (m.logLoss !== null ? `, log loss ${m.logLoss.toFixed(3)}` : ''),
    '',
    `${'genre'.padEnd(width)}  precision  recall     F1  support`,
    ...m.perClass.map(
      (c) => `${c.label.padEnd(width)}  ${pct(c.precision).padStart(9)}  ${pct(c.recall).padStart(6)}  ${pct(c.f1).padStart(6)}  ${String(c.support).padStart(7)}`,
    ),
    '',
    'Confusion matrix (rows: true genre, columns: predicted)',
  ];
  const col = Math.max(4, ...m.labels.map((l) => Math.min(l.length, 5))) + 1;
  lines.push(`${''.padEnd(width)} ${m.labels.map((l) => l.slice(0, col - 1).padStart(col)).join('')}`);
  m.confusion.forEach((row, i) => lines.push(`${m.labels[i].padEnd(width)} ${row.map((v) => String(v).padStart(col)).join('')}`));
  return lines.join('\n');
}
