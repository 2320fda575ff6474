// PostgreSQL wire protocol (version 3) framing: the few messages the BI socket reads and writes
// itself. https://www.postgresql.org/docs/current/protocol-message-formats.html

export const SSL_REQUEST = 80877103;
export const GSSENC_REQUEST = 80877104;
export const CANCEL_REQUEST = 80877102;
export const PROTOCOL_3 = 3 << 16;

/** One message: a type byte and a body (startup-phase messages have type ''). */
export interface WireMessage {
  readonly type: string;
  readonly body: Buffer;
}

/** Takes the next whole message off `buf`, or null while it is incomplete. */
export function nextMessage(
  buf: Buffer,
  startup: boolean,
): { message: WireMessage; rest: Buffer } | null {
  if (startup) {
    if (buf.length < 4) return null;
    const len = buf.readInt32BE(0);
    if (len < 8) throw new Error('bad startup message length');
    if (buf.length < len) return null;
    return { message: { type: '', body: buf.subarray(4, len) }, rest: buf.subarray(len) };
  }
  if (buf.length < 5) return null;
  const len = buf.readInt32BE(1);
  if (len < 4) throw new Error('bad message length');
  if (buf.length < 1 + len) return null;
  return {
    message: { type: String.fromCharCode(buf[0]!), body: buf.subarray(5, 1 + len) },
    rest: buf.subarray(1 + len),
  };
}

/** Frames a message. */
export function encode(type: string, ...parts: readonly (Buffer | string)[]): Buffer {
  const body = Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
}

export const cstr = (s: string): Buffer => Buffer.concat([Buffer.from(s), Buffer.from([0])]);
const int32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};

/** Reads a NUL-terminated string at `offset`; returns it and the offset after its NUL. */
export function readCstr(body: Buffer, offset: number): [string, number] {
  const end = body.indexOf(0, offset);
  if (end < 0) throw new Error('string without its end');
  return [body.toString('utf8', offset, end), end + 1];
}

/** The key/value pairs of a StartupMessage body (after the protocol version). */
export function startupParams(body: Buffer): Map<string, string> {
  const params = new Map<string, string>();
  let at = 4;
  while (at < body.length && body[at] !== 0) {
    const [key, afterKey] = readCstr(body, at);
    const [value, afterValue] = readCstr(body, afterKey);
    params.set(key, value);
    at = afterValue;
  }
  return params;
}

export const authenticationOk = (): Buffer => encode('R', int32(0));
export const parameterStatus = (k: string, v: string): Buffer => encode('S', cstr(k), cstr(v));
export const backendKeyData = (pid: number, secret: number): Buffer =>
  encode('K', int32(pid), int32(secret));
export const readyForQuery = (status: 'I' | 'T' | 'E'): Buffer => encode('Z', status);
export const commandComplete = (tag: string): Buffer => encode('C', cstr(tag));
export const emptyQueryResponse = (): Buffer => encode('I');
export const negotiateProtocolVersion = (minor: number): Buffer =>
  encode('v', int32(PROTOCOL_3 | minor), int32(0));

/** An ErrorResponse with SQLSTATE `code`. */
export function errorResponse(code: string, message: string, severity = 'ERROR'): Buffer {
  return encode(
    'E',
    'S',
    cstr(severity),
    'V',
    cstr(severity),
    'C',
    cstr(code),
    'M',
    cstr(message),
    Buffer.from([0]),
  );
}

/** The SQLSTATE of an ErrorResponse or NoticeResponse body. */
export function sqlState(body: Buffer): string | null {
  let at = 0;
  while (at < body.length && body[at] !== 0) {
    const field = String.fromCharCode(body[at]!);
    const [value, next] = readCstr(body, at + 1);
    if (field === 'C') return value;
    at = next;
  }
  return null;
}

/** Cuts a stream of backend messages, arriving in chunks of any size, into whole messages. */
export class MessageSplitter {
  private pending = Buffer.alloc(0);

  /** Adds a chunk; returns the messages it completes, each as its full bytes. */
  push(chunk: Uint8Array): Buffer[] {
    // Copied: PGlite may hand out a view of its memory that it reuses after the callback.
    this.pending = Buffer.concat([this.pending, chunk]);
    const out: Buffer[] = [];
    while (this.pending.length >= 5) {
      const len = 1 + this.pending.readInt32BE(1);
      if (this.pending.length < len) break;
      out.push(this.pending.subarray(0, len));
      this.pending = this.pending.subarray(len);
    }
    return out;
  }
}
