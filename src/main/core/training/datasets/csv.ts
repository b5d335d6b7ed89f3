import { parse } from 'csv-parse/sync';

/** One record of a CSV file: its fields and the line of the file it starts on (1-based, for messages). */
export interface CsvRecord {
  fields: string[];
  line: number;
}

/**
 * The records of a CSV file's content (RFC 4180, comma separated, by csv-parse): a quoted field may hold commas,
 * doubled quotes and line breaks. A leading BOM, CRLF or LF line ends, blank lines and lines of empty fields are
 * accepted; records may differ in length (callers check the columns they need). `limit` stops after that many
 * records (the rest of the text is not read). `source` names the file in the error a malformed text raises.
 */
export function parseCsv(text: string, options: { source?: string; limit?: number } = {}): CsvRecord[] {
  let parsed: { record: string[]; raw: string }[];
  try {
    parsed = parse(text, {
      bom: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      relax_column_count: true,
      relax_quotes: true,
      raw: true,
      ...(options.limit === undefined ? {} : { to: options.limit }),
    }) as unknown as { record: string[]; raw: string }[];
  } catch (error) {
    throw new Error(`${options.source ? `${options.source}: ` : ''}not a readable CSV file (${(error as Error).message})`, { cause: error });
  }
  // Line numbers: a record's raw text (csv-parse's, less the line breaks it may carry over from skipped blank
  // lines before it) is found in the text after the previous record's.
  const out: CsvRecord[] = [];
  let cursor = 0;
  let line = 1;
  for (const { record, raw } of parsed) {
    const own = raw.replace(/^[\r\n]+/, '');
    const found = text.indexOf(own, cursor);
    const start = found >= 0 ? found : cursor;
    line += countNewlines(text, cursor, start);
    out.push({ fields: record, line });
    line += countNewlines(text, start, start + own.length);
    cursor = start + own.length;
  }
  return out;
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
