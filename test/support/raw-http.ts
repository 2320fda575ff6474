import { connect, type Socket } from 'node:net';

/** A response as read off the wire: what `expectBody` needs, plus the raw head. */
export interface RawResponse {
  readonly statusCode: number;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly json: <T = unknown>() => T;
  readonly head: string;
}

/** Splits what a server sent on one connection into its responses (each with a Content-Length). */
function parseResponses(text: string): RawResponse[] {
  const out: RawResponse[] = [];
  let rest = text;
  while (rest.length > 0) {
    const split = rest.indexOf('\r\n\r\n');
    if (split < 0) throw new Error(`not an HTTP response: ${JSON.stringify(rest.slice(0, 200))}`);
    const head = rest.slice(0, split);
    const [statusLine = '', ...lines] = head.split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const after = Buffer.from(rest.slice(split + 4), 'utf8');
    const length = Number(headers['content-length'] ?? after.length);
    const body = after.subarray(0, length).toString('utf8');
    rest = after.subarray(length).toString('utf8');
    out.push({
      statusCode: Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]),
      headers,
      body,
      json: <T>() => JSON.parse(body) as T,
      head,
    });
  }
  return out;
}

/** A raw connection to a server on loopback: write bytes as given, read every response at close. */
export function openRaw(port: number): {
  readonly socket: Socket;
  /** Everything the server answered, once it has closed the connection. */
  readonly responses: Promise<RawResponse[]>;
} {
  const socket = connect(port, '127.0.0.1');
  const chunks: Buffer[] = [];
  socket.on('data', (d: Buffer) => chunks.push(d));
  // The server may close while a request is still being written (an oversized header): what it
  // answered before that is what counts.
  socket.on('error', () => undefined);
  const responses = new Promise<RawResponse[]>((resolve, reject) =>
    socket.on('close', () => {
      try {
        resolve(parseResponses(Buffer.concat(chunks).toString('utf8')));
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    }),
  );
  return { socket, responses };
}

/**
 * Writes `request` byte for byte (inject() would skip Node's HTTP parser) and resolves with the
 * one response once the server closes the connection.
 */
export async function rawRequest(port: number, request: string): Promise<RawResponse> {
  const raw = openRaw(port);
  raw.socket.write(request);
  const all = await raw.responses;
  if (all.length !== 1) throw new Error(`expected one response, got ${all.length}`);
  return all[0]!;
}

/** Whether a TCP connection to `host:port` is accepted ('connected'), or the error code it fails with. */
export function tryConnect(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}
