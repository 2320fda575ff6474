import type { Socket } from 'node:net';
import type { ConnectionError, FastifyBaseLogger, FastifyInstance } from 'fastify';
import { ApiError, errorBody, type ApiErrorCode } from './api-error.js';

// Failures answered before any route runs: Node's HTTP parser, its Host and Expect checks, and
// Fastify while it closes. Left to themselves they answer with other bodies or none at all.

interface Refusal {
  readonly status: number;
  readonly code: ApiErrorCode;
  readonly message: string;
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  413: 'Payload Too Large',
  417: 'Expectation Failed',
  431: 'Request Header Fields Too Large',
};

/** What a parser or connection error tells the client, by Node's error code. */
function refusalOf(err: ConnectionError): Refusal {
  // llhttp's own wording ("Invalid character in Content-Length"), without "Parse Error: ".
  const reason = (err as { reason?: unknown }).reason;
  const text = typeof reason === 'string' ? reason : err.message;
  const detail = text.charAt(0).toLowerCase() + text.slice(1);
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        code: 'headers_too_large',
        message: 'the request line and headers exceed 16 kB',
      };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, code: 'payload_too_large', message: 'chunk extensions are too large' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code: 'request_timeout', message: 'the request took too long to send' };
    case 'HPE_PAUSED_H2_UPGRADE':
      return {
        status: 400,
        code: 'invalid_input',
        message: 'HTTP/2 without TLS is not served: use HTTP/1.1',
      };
    case 'HPE_INVALID_METHOD':
      return {
        status: 400,
        code: 'invalid_input',
        message: 'malformed HTTP request: unknown method',
      };
    default:
      return { status: 400, code: 'invalid_input', message: `malformed HTTP request: ${detail}` };
  }
}

function errorJson(r: Refusal): string {
  return JSON.stringify(errorBody(r.code, r.message));
}

/**
 * For Fastify's `clientErrorHandler`: answers what Node's HTTP parser refuses (an unknown method,
 * a bad Content-Length, a folded header, headers over 16 kB...) in the one error shape, then
 * closes the connection, since the rest of its bytes cannot be trusted.
 */
export function answerClientError(log: FastifyBaseLogger) {
  return (err: ConnectionError, socket: Socket): void => {
    // A reset connection has no one left to answer.
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    const r = refusalOf(err);
    // Scanners and broken clients, not the server's trouble: debug, not warn.
    log.debug({ code: err.code, status: r.status }, 'malformed request refused');
    // A response already under way on this connection (pipelining) would be corrupted by another.
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (socket.writable && !inFlight?.headersSent) {
      const body = errorJson(r);
      socket.write(
        `HTTP/1.1 ${r.status} ${STATUS_TEXT[r.status] ?? 'Error'}\r\n` +
          'Content-Type: application/json; charset=utf-8\r\n' +
          `Content-Length: ${Buffer.byteLength(body)}\r\n` +
          'Connection: close\r\n\r\n' +
          body,
      );
    }
    socket.destroy();
  };
}

/**
 * Answers in the one error shape what Node and Fastify would otherwise answer themselves: an
 * HTTP/1.1 request without Host, an `Expect` other than `100-continue`, and requests that arrive
 * while the server closes. Fastify must be built with Node's Host check and its own 503 off.
 */
export function installProtocolChecks(app: FastifyInstance): void {
  // Set before the server stops listening; requests already on open connections still arrive.
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onRequest', (req, _reply, done) => {
    const raw = req.raw;
    if (closing)
      done(
        new ApiError(503, 'shutting_down', 'this server is shutting down; try again', {
          connection: 'close',
          'retry-after': '1',
        }),
      );
    else if (
      raw.headers.host === undefined &&
      raw.httpVersionMajor === 1 &&
      raw.httpVersionMinor >= 1
    )
      done(
        new ApiError(400, 'invalid_input', 'an HTTP/1.1 request must send a Host header', {
          connection: 'close',
        }),
      );
    else done();
  });
  app.server.on('checkExpectation', (_req, res) => {
    const body = errorJson({
      status: 417,
      code: 'expectation_failed',
      message: 'the only Expect this server meets is 100-continue',
    });
    res
      .writeHead(417, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
        connection: 'close',
      })
      .end(body);
  });
}
