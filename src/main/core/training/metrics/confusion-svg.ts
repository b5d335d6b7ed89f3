import type { ClassificationMetrics } from './classification-metrics.ts';

const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The confusion matrix as a standalone SVG image: cells shaded by the share of each true genre's tracks
 * (row-normalised), with the counts written in; accuracy in the title.
 */
export function confusionMatrixSvg(m: ClassificationMetrics, title = 'Confusion matrix'): string {
  const k = m.labels.length;
  const cell = 44;
  const left = 96;
  const top = 92;
  const width = left + k * cell + 16;
  const height = top + k * cell + 40;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${left}" y="20" font-size="14" font-weight="bold">${escape(title)}: accuracy ${(100 * m.accuracy).toFixed(1)}% of ${m.n}</text>`,
    `<text x="${left + (k * cell) / 2}" y="${height - 12}" text-anchor="middle">predicted genre</text>`,
    `<text x="14" y="${top + (k * cell) / 2}" text-anchor="middle" transform="rotate(-90 14 ${top + (k * cell) / 2})">true genre</text>`,
  ];
  m.labels.forEach((label, j) => {
    const x = left + j * cell + cell / 2;
    parts.push(`<text x="${x}" y="${top - 8}" transform="rotate(-45 ${x} ${top - 8})">${escape(label)}</text>`);
  });
  m.confusion.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    parts.push(`<text x="${left - 6}" y="${top + i * cell + cell / 2 + 4}" text-anchor="end">${escape(m.labels[i])}</text>`);
    row.forEach((v, j) => {
      const share = total > 0 ? v / total : 0;
      const shade = Math.round(255 - share * 200);
      const fill = i === j ? `rgb(${shade},${Math.round(255 - share * 120)},${shade})` : `rgb(255,${shade},${shade})`;
      const x = left + j * cell;
      const y = top + i * cell;
      parts.push(`<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${fill}" stroke="#cccccc"/>`);
      if (v > 0) parts.push(`<text x="${x + cell / 2}" y="${y + cell / 2 + 4}" text-anchor="middle" fill="${share > 0.6 ? '#ffffff' : '#000000'}">${v}</text>`);
    });
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
