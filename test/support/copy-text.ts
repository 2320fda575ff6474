// COPY text format (tab-separated, \N for NULL, backslash escapes), for tests that feed the Db
// port COPY text with the awkward characters the ingest path never produces.

/** A value COPY can take: numbers and text; null is SQL NULL. */
export type CopyValue = string | number | null;

/** Escapes one text value for COPY text format. */
export function copyEscape(s: string): string {
  return /[\\\t\n\r]/.test(s)
    ? s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : s;
}

/** Appends one row in COPY text format. */
export function copyRow(values: readonly CopyValue[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) line += '\t';
    line +=
      v === null || v === undefined ? '\\N' : typeof v === 'number' ? String(v) : copyEscape(v);
  }
  return line + '\n';
}
