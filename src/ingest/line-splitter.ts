import { KEPT_HEAD_BYTES, MAX_LINE_BYTES } from '../domain/feed.js';

const NL = 0x0a;
const CR = 0x0d;

/**
 * Makes what the caller wants of one complete line: at `offset`, the next line at `next`;
 * `cutFromBytes` is the line's whole size when only the head of a line over the limit was kept.
 * (A callback rather than a line object: one allocation per line, not two, on the hot path.)
 */
export type LineMaker<T> = (offset: number, next: number, text: string, cutFromBytes?: number) => T;

/**
 * Splits a byte stream into lines at their newlines. A line is given only once its newline has
 * arrived; a line over MAX_LINE_BYTES is cut to its head as it streams by, so that one broken
 * line cannot exhaust memory. Offsets are bytes from the start of the stream.
 */
export class LineSplitter<T> {
  private pieces: Buffer[] = [];
  private pieceBytes = 0;
  /** Set once the current line is over the limit: its head, and how many bytes it has so far. */
  private cut: { head: Buffer; bytes: number } | null = null;

  /** `start` is the offset of the first byte to come. */
  constructor(
    private lineStart: number,
    private readonly make: LineMaker<T>,
  ) {}

  /** Offset where the line not yet complete starts (where reading resumes). */
  get resumeAt(): number {
    return this.lineStart;
  }

  /** Bytes of the line not yet complete (its newline has not arrived). */
  get pendingBytes(): number {
    return this.cut ? this.cut.bytes : this.pieceBytes;
  }

  /** Feeds the next bytes; returns the lines they complete. */
  push(chunk: Buffer): T[] {
    const out: T[] = [];
    let from = 0;
    for (let nl = chunk.indexOf(NL); nl !== -1; nl = chunk.indexOf(NL, from)) {
      const len = nl - from;
      if (this.pendingBytes === 0 && len <= MAX_LINE_BYTES) {
        // The common case, a whole line inside one chunk: decoded straight from it, no copy.
        const offset = this.lineStart;
        this.lineStart += len + 1;
        // An empty line, or one of a CRLF file (a lone CR), carries nothing.
        if (len > 1 || (len === 1 && chunk[from] !== CR))
          out.push(this.make(offset, this.lineStart, chunk.toString('utf8', from, nl)));
      } else {
        this.append(chunk.subarray(from, nl));
        const line = this.take(this.lineStart + this.pendingBytes + 1);
        if (line) out.push(line);
      }
      from = nl + 1;
    }
    if (from < chunk.length) this.append(chunk.subarray(from));
    return out;
  }

  /** The line without its newline yet, as it stands (for a stream that has ended for good). */
  flushPartial(): T | null {
    if (this.pendingBytes === 0) return null;
    return this.take(this.lineStart + this.pendingBytes);
  }

  private append(bytes: Buffer): void {
    if (bytes.length === 0) return;
    if (this.cut) {
      this.cut.bytes += bytes.length;
      return;
    }
    // Copied: the chunk's buffer is reused by the reader.
    this.pieces.push(Buffer.from(bytes));
    this.pieceBytes += bytes.length;
    if (this.pieceBytes > MAX_LINE_BYTES) {
      const whole = Buffer.concat(this.pieces);
      this.cut = { head: whole.subarray(0, KEPT_HEAD_BYTES), bytes: this.pieceBytes };
      this.pieces = [];
      this.pieceBytes = 0;
    }
  }

  /** Ends the current line, whose next line starts at `next`. Empty lines give nothing. */
  private take(next: number): T | null {
    const offset = this.lineStart;
    this.lineStart = next;
    const cut = this.cut;
    const bytes = cut ? cut.bytes : this.pieceBytes;
    const whole = cut
      ? null
      : this.pieces.length === 1
        ? this.pieces[0]!
        : Buffer.concat(this.pieces);
    this.pieces = [];
    this.pieceBytes = 0;
    this.cut = null;
    if (cut) return this.make(offset, next, cut.head.toString('utf8'), bytes);
    if (!whole || whole.length === 0 || (whole.length === 1 && whole[0] === CR)) return null;
    return this.make(offset, next, whole.toString('utf8'));
  }
}
