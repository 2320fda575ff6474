import { Readable } from 'node:stream';
import { csvRecord, type CsvValue } from './csv.js';

/** Rows read in pages, each page after the last row of the one before (a keyset). */
export interface PagedRows<Row, Key> {
  /** Up to `limit` rows after `after` (from the first with null), in the export's order. */
  readonly page: (after: Key | null, limit: number) => Promise<readonly Row[]>;
  readonly keyOf: (row: Row) => Key;
}

/** What a CSV export writes: its header and each row's fields in the header's order. */
export interface CsvFormat<Row> {
  readonly header: readonly string[];
  readonly fields: (row: Row) => readonly CsvValue[];
}

/** Rows read from the database per page: a page of rides is about 1 MB of CSV. */
export const EXPORT_PAGE_ROWS = 5_000;

// Bytes the stream holds before it waits for the reply to drain. A page is pushed whole, so at
// most one page of text waits besides the socket's buffers.
const HIGH_WATER_BYTES = 64 * 1024;

/**
 * A CSV body read page by page in constant memory. The first page is read before anything is
 * sent, so a database failure still gets an error response; each next page only when the reply
 * has drained (backpressure), and none once the stream is destroyed (the client went away).
 * `onEnd` learns how many rows were read and whether the last was reached.
 */
export async function csvStream<Row, Key>(
  rows: PagedRows<Row, Key>,
  format: CsvFormat<Row>,
  onEnd: (rowsRead: number, complete: boolean) => void,
  pageRows = EXPORT_PAGE_ROWS,
): Promise<Readable> {
  const first = await rows.page(null, pageRows);
  let read = 0;
  let complete = false;
  async function* chunks(): AsyncGenerator<string> {
    try {
      yield csvRecord(format.header);
      let page = first;
      for (;;) {
        read += page.length;
        if (page.length > 0) yield page.map((r) => csvRecord(format.fields(r))).join('');
        const last = page[page.length - 1];
        if (page.length < pageRows || last === undefined) break;
        page = await rows.page(rows.keyOf(last), pageRows);
      }
      complete = true;
    } finally {
      onEnd(read, complete);
    }
  }
  return Readable.from(chunks(), { objectMode: false, highWaterMark: HIGH_WATER_BYTES });
}
