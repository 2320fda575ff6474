// RFC 4180 text: what spreadsheets and BI tools read without a dialect to configure.

/** A value of one CSV field; null is written as an empty field. */
export type CsvValue = string | number | boolean | null;

const NEEDS_QUOTES = /[",\r\n]/;

/** One field: quoted when it holds a comma, a quote, CR or LF, with its quotes doubled. */
export function csvField(value: CsvValue): string {
  if (value === null) return '';
  const text = typeof value === 'number' ? numberText(value) : String(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

// Figures are written as JSON writes them, so the two formats agree digit for digit; a non-finite
// number has no JSON form either and becomes an empty field as JSON's null would.
function numberText(n: number): string {
  return Number.isFinite(n) ? JSON.stringify(n) : '';
}

/** One record, ending in CRLF. */
export function csvRecord(values: readonly CsvValue[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}
