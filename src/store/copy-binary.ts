// PostgreSQL's binary COPY format (the "COPY" page of its manual, "Binary Format"): a signature,
// then per row a field count and each field as a length and its bytes in network order, then -1.
// The server reads each value as stored, with no text to parse: for readings (timestamps,
// floats) that is most of a text COPY's cost on the server.

const SIGNATURE = Buffer.from([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00]);
/** PostgreSQL counts dates and timestamps from 2000-01-01 UTC. */
const PG_EPOCH_MS = Date.UTC(2000, 0, 1);
const DAY_MS = 86_400_000;
const TWO_32 = 4_294_967_296;
/** A field's largest encoding: its length word and 8 bytes. */
const MAX_FIELD = 12;

/** A value that the binary format cannot carry as the column's type. */
export class CopyValueError extends Error {
  readonly code = 'copy_value';
}

/** Rows written in PostgreSQL's binary COPY format, field by field, into one growing buffer. */
export class BinaryCopyWriter {
  private buf: Buffer;
  private at = 0;

  constructor(expectedBytes = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(Math.max(expectedBytes, 64));
    SIGNATURE.copy(this.buf, 0);
    this.buf.writeInt32BE(0, 11); // flags: no OIDs
    this.buf.writeInt32BE(0, 15); // no header extension
    this.at = 19;
  }

  /** Starts a row of `fields` fields; the fields follow in the COPY's column order. */
  row(fields: number): void {
    const need = this.at + 2 + fields * MAX_FIELD + 2;
    if (need > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
      this.buf.copy(bigger, 0, 0, this.at);
      this.buf = bigger;
    }
    this.at = this.buf.writeInt16BE(fields, this.at);
  }

  /** A bigint; `v` must be a safe integer. */
  int8(v: number): void {
    if (!Number.isSafeInteger(v)) throw new CopyValueError(`not a bigint: ${v}`);
    this.at = this.buf.writeInt32BE(8, this.at);
    this.int64(v);
  }

  /** An integer (int4), or NULL. */
  int4(v: number | null): void {
    if (v === null) return this.nul();
    if (!Number.isInteger(v)) throw new CopyValueError(`not an integer: ${v}`);
    this.at = this.buf.writeInt32BE(4, this.at);
    this.at = this.buf.writeInt32BE(v, this.at); // throws past int4's range
  }

  /** A double precision, or NULL. */
  float8(v: number | null): void {
    if (v === null) return this.nul();
    this.at = this.buf.writeInt32BE(8, this.at);
    this.at = this.buf.writeDoubleBE(v, this.at);
  }

  /** A date: the UTC day holding epoch ms `ms`. */
  date(ms: number): void {
    this.at = this.buf.writeInt32BE(4, this.at);
    this.at = this.buf.writeInt32BE(Math.floor((ms - PG_EPOCH_MS) / DAY_MS), this.at);
  }

  /** A timestamptz at epoch ms `ms` (whole milliseconds). */
  timestamptz(ms: number): void {
    if (!Number.isInteger(ms)) throw new CopyValueError(`not a whole millisecond: ${ms}`);
    this.at = this.buf.writeInt32BE(8, this.at);
    this.int64((ms - PG_EPOCH_MS) * 1000);
  }

  /** Ends the data; the bytes to send, valid until the writer is used again. */
  finish(): Uint8Array {
    this.at = this.buf.writeInt16BE(-1, this.at);
    return this.buf.subarray(0, this.at);
  }

  private nul(): void {
    this.at = this.buf.writeInt32BE(-1, this.at);
  }

  private int64(v: number): void {
    const hi = Math.floor(v / TWO_32);
    this.at = this.buf.writeInt32BE(hi, this.at);
    this.at = this.buf.writeUInt32BE(v - hi * TWO_32, this.at);
  }
}
