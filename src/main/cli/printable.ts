/**
 * A file name as one line of a terminal table: control characters (a newline or tab in a name, an escape
 * sequence) are shown escaped, \n, \t, \r or \xNN, so a name cannot break a table row or drive the terminal;
 * a backslash is doubled so that the escapes stay unambiguous. JSON output keeps the name as it is.
 */
export function printable(text: string): string {
  if (!/[\u0000-\u001f\u007f-\u009f\\]/.test(text)) return text;
  return text.replace(/[\u0000-\u001f\u007f-\u009f\\]/g, (c) => {
    if (c === '\\') return '\\\\';
    if (c === '\n') return '\\n';
    if (c === '\t') return '\\t';
    if (c === '\r') return '\\r';
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}
