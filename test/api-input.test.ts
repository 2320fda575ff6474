// Hostile and malformed input in every parameter of every route: a 400 (or 404) in the error
// shape, never a 500, and the database unchanged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorResponse } from '../src/api/schemas.js';
import { apiHarness, expectBody, type ApiHarness } from './support/api.js';
import { seed } from './support/api-seed.js';
import { openTestDb, type DbKind, type TestDb } from './support/databases.js';

const NASTY = [
  "' OR '1'='1",
  '1; DROP TABLE rides; --',
  '1 OR 1=1',
  "1' UNION SELECT email FROM riders --",
  '$1',
  '99999999999999999999999999',
  '9007199254740993',
  '1e308',
  '-1',
  '-0',
  '0',
  '1.5',
  '0x1F',
  'NaN',
  'Infinity',
  '',
  ' ',
  'null',
  '[]',
  '{}',
  '%00',
  '%',
  '😀',
  'Zürich',
  '\u202e1',
  'a'.repeat(5000),
  '2022-02-30',
  '31-31-2022',
  '2022-07-06T25:00:00Z',
  '0000-00-00',
  '9999-12-31T23:59:59-23:59',
  '9999-12-31',
  '31-12-9999',
  '1899-12-31T23:59:59Z',
  // Cursors of the right encoding but wrong content: [1e20,1], [-1,5], [1,2,3], ["a",1], [0,0].
  'WzFlMjAsMV0',
  'Wy0xLDVd',
  'WzEsMiwzXQ',
  'WyJhIiwxXQ',
  'WzAsMF0',
  '../../etc/passwd',
  '<script>alert(1)</script>',
];

interface Param {
  route: string;
  method: 'GET' | 'DELETE';
  name: string;
  in: 'path' | 'query';
}

describe.each<DbKind>(['pglite', 'postgres'])('API input [%s]', (kind) => {
  let t: (TestDb & { close(): Promise<void> }) | undefined;
  let api: ApiHarness;
  let params: Param[];
  const fingerprint = () =>
    t!.db.query(
      `SELECT (SELECT count(*) FROM rides) AS rides, (SELECT count(*) FROM readings) AS readings,
              (SELECT count(*) FROM riders) AS riders, (SELECT count(*) FROM alerts) AS alerts,
              (SELECT md5(string_agg(email, ',' ORDER BY rider_id)) FROM riders) AS emails,
              (SELECT count(*) FROM erasures) AS erasures`,
    );

  beforeAll(async () => {
    t = await openTestDb(kind);
    await seed(t.db);
    api = await apiHarness(t.db);
    const doc = (await api.call('GET', '/api/openapi.json', null)).json<{
      paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
    }>();
    params = Object.entries(doc.paths).flatMap(([route, ops]) =>
      Object.entries(ops).flatMap(([m, op]) =>
        (op.parameters ?? [])
          .filter((p) => p.in === 'path' || p.in === 'query')
          .map((p) => ({
            route,
            method: m.toUpperCase() as 'GET' | 'DELETE',
            name: p.name,
            in: p.in as 'path' | 'query',
          })),
      ),
    );
  });
  afterAll(async () => {
    await api.close();
    await t?.close();
  });

  it('rejects hostile values in every parameter with a clear 400, and changes nothing', async () => {
    expect(params.length).toBeGreaterThan(30);
    const before = await fingerprint();
    const outcomes = new Map<number, number>();
    for (const p of params) {
      for (const raw of NASTY) {
        // Path values are sent as a client would encode them; query values likewise.
        const value = raw === '%00' || raw === '%' ? raw : encodeURIComponent(raw);
        const base = p.route.replace(/\{[^}]+\}/g, p.in === 'path' ? '' : '1');
        const url =
          p.in === 'path'
            ? p.route.replace(`{${p.name}}`, value).replace(/\{[^}]+\}/g, '1')
            : `${base}?${p.name}=${value}${p.route.endsWith('daily') && p.name !== 'date' ? '&date=2022-07-06' : ''}`;
        const res = await api.call(p.method, url, api.admin);
        outcomes.set(res.statusCode, (outcomes.get(res.statusCode) ?? 0) + 1);
        const seen = {
          param: `${p.method} ${p.route} ${p.name}`,
          raw: raw.slice(0, 20),
          status: res.statusCode,
        };
        expect(seen.status, JSON.stringify(seen)).toBeLessThan(500);
        if (res.statusCode === 200) {
          // Only a list may accept such a value (a bike serial "0", a valid but extreme cursor),
          // and it must match nothing, not everything.
          const body = res.json<{ data?: unknown[]; rides?: unknown[] }>();
          expect(body.data ?? body.rides, JSON.stringify(seen)).toEqual([]);
        } else {
          expect([400, 404], JSON.stringify(seen)).toContain(res.statusCode);
          const body = expectBody(res, res.statusCode, ErrorResponse);
          if (res.statusCode === 400 && raw.length < 100)
            expect(body.error.message.length, JSON.stringify(seen)).toBeGreaterThan(5);
        }
      }
    }
    expect(await fingerprint()).toEqual(before);
    // Nearly everything is refused as input, not looked up.
    expect(
      (outcomes.get(400) ?? 0) / [...outcomes.values()].reduce((a, b) => a + b),
    ).toBeGreaterThan(0.8);
  });

  it('names the parameter at fault', async () => {
    const cases: [string, RegExp][] = [
      ['/api/rides?limit=1001', /^limit: /],
      ['/api/rides?limit=abc', /^limit: /],
      ['/api/rides?since=yesterday', /^since: /],
      ['/api/rides?cursor=abc', /^cursor: /],
      ['/api/rides?rider_id=-4', /^rider_id: /],
      ['/api/rides?ridr_id=4', /unknown parameter "ridr_id"/],
      ['/api/rides/1.5', /^id: /],
      ['/api/daily?date=2022-13-01', /^date: /],
      ['/daily?date=32-01-2022', /^date: /],
      ['/api/alerts?state=lost', /^state: must be queued, sent or failed/],
      ['/api/rides/1?include=everything', /^include: /],
      ['/api/rides/1?include=readings&after_s=-5', /^after_s: /],
      ['/api/activity?range=2h', /^range: must be one of 1h, 6h, 12h, 24h, 7d/],
      ['/rider/abc', /^user_id: /],
      ['/api/rides?since=2022-07-06T10:00:00+01:00', /%2B/],
    ];
    for (const [url, message] of cases) {
      const body = expectBody(await api.call('GET', url, api.admin), 400, ErrorResponse);
      expect(body.error.message, url).toMatch(message);
    }
  });

  it('gives malformed requests the one error shape too', async () => {
    const bad = await api.app.inject({
      method: 'GET',
      url: '/api/rides/%E0%A4%A',
      headers: { authorization: `Bearer ${api.admin}` },
    });
    expect(bad.statusCode).toBe(400);
    expectBody(bad, 400, ErrorResponse);
    const body = await api.app.inject({
      method: 'DELETE',
      url: '/api/rides/1',
      headers: { authorization: `Bearer ${api.admin}`, 'content-type': 'application/json' },
      payload: '{not json',
    });
    expect(body.statusCode).toBe(400);
    expectBody(body, 400, ErrorResponse);
    const method = await api.app.inject({
      method: 'PUT',
      url: '/api/rides/1',
      headers: { authorization: `Bearer ${api.admin}` },
    });
    expect(method.statusCode).toBe(404);
    expectBody(method, 404, ErrorResponse);
  });
});
