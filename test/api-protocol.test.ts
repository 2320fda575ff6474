// What Node's HTTP parser and its protocol checks refuse, sent over a real socket (inject() skips
// the parser): every refusal is the one error shape, as JSON, and closes the connection.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorResponse } from '../src/api/schemas.js';
import { HealthBody } from '../src/api/health-schemas.js';
import { apiHarness, expectBody, type ApiHarness } from './support/api.js';
import type { Db } from '../src/store/db.js';
import { openTestDb, type TestDb } from './support/databases.js';
import { openRaw, rawRequest, type RawResponse } from './support/raw-http.js';
import { waitUntil } from './support/wait.js';

/** Asserts a refusal: its status and code, a JSON error body of the stated length, and a close. */
function expectRefusal(res: RawResponse, status: number, code: string): string {
  const body = expectBody(res, status, ErrorResponse);
  expect({ head: res.head, code: body.error.code }).toMatchObject({ code });
  expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.body));
  expect(res.headers.connection?.toLowerCase()).toBe('close');
  return body.error.message;
}

describe('HTTP protocol errors', () => {
  let t: (TestDb & { close(): Promise<void> }) | undefined;
  let api: ApiHarness;
  let port: number;
  const send = (request: string) => rawRequest(port, request);

  beforeAll(async () => {
    t = await openTestDb('pglite');
    api = await apiHarness(t.db);
    await api.app.listen({ port: 0, host: '127.0.0.1' });
    port = (api.app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await api.close();
    await t?.close();
  });

  it('reads a well-formed request off the socket (the helper itself)', async () => {
    const res = await send('GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(expectBody(res, 200, HealthBody).status).toBe('ok');
  });

  it('answers headers or a URL over 16 kB with 431 headers_too_large', async () => {
    const header = await send(
      `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(17_000)}\r\n\r\n`,
    );
    expect(expectRefusal(header, 431, 'headers_too_large')).toMatch(/16 kB/);
    const url = await send(`GET /api/rides?q=${'a'.repeat(17_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expectRefusal(url, 431, 'headers_too_large');
  });

  it("answers what Node's parser refuses with 400 invalid_input, saying what is wrong", async () => {
    const cases: [string, string, RegExp][] = [
      ['unknown method', 'FOO /health HTTP/1.1\r\nHost: x\r\n\r\n', /unknown method/],
      [
        'bad Content-Length',
        'POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
        /Content-Length/,
      ],
      [
        'Content-Length with chunked',
        'POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n',
        /Content-Length/,
      ],
      ['folded header', 'GET /health HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n', /header/i],
      ['not HTTP at all', 'GARBAGE\r\n\r\n', /unknown method/],
      ['space in the path', 'GET /a b HTTP/1.1\r\nHost: x\r\n\r\n', /expected HTTP\//],
      ['header without colon', 'GET /health HTTP/1.1\r\nHost x\r\n\r\n', /header token/],
      ['HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', /HTTP\/2/],
      ['unknown HTTP version', 'GET /health HTTP/9.9\r\nHost: x\r\n\r\n', /version/i],
    ];
    for (const [what, request, message] of cases) {
      const res = await send(request);
      expect({ what, status: res.statusCode }).toEqual({ what, status: 400 });
      expect(expectRefusal(res, 400, 'invalid_input'), what).toMatch(message);
    }
  });

  it('answers an HTTP/1.1 request without Host with 400, before looking at its key or route', async () => {
    for (const path of ['/health', '/api/rides', '/no/such/route']) {
      const res = await send(`GET ${path} HTTP/1.1\r\n\r\n`);
      expect(expectRefusal(res, 400, 'invalid_input'), path).toMatch(/Host header/);
    }
    // HTTP/1.0 had no Host header; such a request is served.
    expectBody(await send('GET /health HTTP/1.0\r\n\r\n'), 200, HealthBody);
  });

  it('answers an Expect other than 100-continue with 417 expectation_failed', async () => {
    const res = await send(
      'GET /health HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\nConnection: close\r\n\r\n',
    );
    expect(expectRefusal(res, 417, 'expectation_failed')).toMatch(/100-continue/);
  });
});

describe('HTTP server closing', () => {
  it('answers a request that arrives while it closes with 503 shutting_down', async () => {
    const t = await openTestDb('pglite');
    try {
      let entered!: () => void;
      const pinging = new Promise<void>((r) => (entered = r));
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      // The real database, with /health's ping held until released: a request in flight.
      const db: Db = {
        ...t.db,
        query: async (sql, params) => {
          if (sql === 'SELECT 1') {
            entered();
            await held;
          }
          return t.db.query(sql, params);
        },
      };
      const api = await apiHarness(db);
      await api.app.listen({ port: 0, host: '127.0.0.1' });
      const raw = openRaw((api.app.server.address() as AddressInfo).port);
      raw.socket.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
      await pinging;
      const closed = api.close();
      // No longer listening means closing; the open connection still brings requests in.
      await waitUntil(() => !api.app.server.listening, 'the server to stop listening');
      const arrived = new Promise<void>((r) => api.app.server.on('request', () => r()));
      raw.socket.write(
        `GET /api/rides HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${api.viewer}\r\n\r\n`,
      );
      await arrived;
      release();
      const [first, second, ...more] = await raw.responses;
      expect(more).toEqual([]);
      expectBody(first!, 200, HealthBody);
      expect(expectRefusal(second!, 503, 'shutting_down')).toMatch(/shutting down/);
      expect(second!.headers['retry-after']).toBe('1');
      await closed;
    } finally {
      await t.close();
    }
  });
});
