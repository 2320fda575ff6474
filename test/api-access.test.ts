// Every route in the OpenAPI document: no key gives 401, a viewer key may not delete (403), and
// no viewer response carries what identifies a rider.
import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z, type ZodType } from 'zod';
import * as reportSchemas from '../src/api/report-schemas.js';
import * as schemas from '../src/api/schemas.js';
import { ErrorResponse } from '../src/api/schemas.js';
import { apiHarness, expectBody, type ApiHarness } from './support/api.js';
import { seed } from './support/api-seed.js';
import { openTestDb, type DbKind, type TestDb } from './support/databases.js';
import { pdfText, testReportPdfs } from './support/report-pdfs.js';

interface Operation {
  method: 'GET' | 'DELETE' | 'POST';
  path: string;
  secured: boolean;
  /** Documented as refused to viewer keys (403). */
  adminOnly: boolean;
  /** The schema of its 200 body, as the OpenAPI document names it. */
  body: ZodType | undefined;
  /** Its 200 body is a PDF (a report), not JSON. */
  pdf: boolean;
  /** Its 200 body is CSV (an export), not JSON. */
  csv: boolean;
}

interface OpenApiOperation {
  security?: unknown[];
  responses?: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}

// The response schemas by the name the OpenAPI document gives them (their `meta` id).
const SCHEMA_BY_NAME = new Map(
  ([...Object.values(schemas), ...Object.values(reportSchemas)] as unknown[])
    .filter((s): s is ZodType => s instanceof z.ZodType)
    .map((s) => [z.globalRegistry.get(s)?.id, s]),
);

/** Every operation the OpenAPI document lists. */
async function operations(api: ApiHarness): Promise<Operation[]> {
  const doc = (await api.call('GET', '/api/openapi.json', null)).json<{
    paths: Record<string, Record<string, OpenApiOperation>>;
  }>();
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([m, op]) => ({
      method: m.toUpperCase() as Operation['method'],
      path,
      secured: (op.security ?? []).length > 0,
      // Signing out answers 403 too, but for a cookie sent without its same-origin header.
      adminOnly: op.responses?.['403'] !== undefined && path !== '/api/session',
      body: SCHEMA_BY_NAME.get(
        op.responses?.['200']?.content?.['application/json']?.schema?.$ref?.split('/').pop(),
      ),
      pdf: op.responses?.['200']?.content?.['application/pdf'] !== undefined,
      csv: op.responses?.['200']?.content?.['text/csv'] !== undefined,
    })),
  );
}

// The rule of docs/api.md, "Personal data": what viewer keys (and BI) see of a rider.
const PSEUDONYMOUS = [
  'account_created',
  'age',
  'gender',
  'height_cm',
  'original_source',
  'rider_id',
  'weight_kg',
];
const IDENTIFYING = ['address', 'birth_date', 'email', 'first_name', 'last_name', 'title'];

describe.each<DbKind>(['pglite', 'postgres'])('API access [%s]', (kind) => {
  let t: (TestDb & { close(): Promise<void> }) | undefined;
  let api: ApiHarness;
  let ops: Operation[];
  let fill: (path: string) => string;
  /** The query a read needs to answer 200, if any. */
  let queryOf: (path: string) => string;
  let personal: string[];

  beforeAll(async () => {
    t = await openTestDb(kind);
    await seed(t.db);
    api = await apiHarness(t.db, { reports: testReportPdfs(t.db, 'Europe/London') });
    ops = await operations(api);
    const [ids] = await t.db.query<{ ride: number; rider: number; alert: number }>(
      'SELECT (SELECT min(ride_id) FROM rides) AS ride, (SELECT min(rider_id) FROM riders) AS rider, (SELECT min(alert_id) FROM alerts) AS alert',
    );
    fill = (path) =>
      path
        .replace(/^\/api\/alerts\/\{id\}/, `/api/alerts/${ids!.alert}`)
        .replace(/^\/(api\/)?rides?\/\{id\}/, (m) => m.replace('{id}', String(ids!.ride)))
        .replace(/\{(id|user_id)\}/, String(ids!.rider))
        .replace('{date}', '2022-07-06');
    queryOf = (path) =>
      /rides?\/\{id\}$/.test(path)
        ? '?include=readings'
        : path.endsWith('daily')
          ? '?date=2022-07-06'
          : path === '/api/export/rides.csv'
            ? '?from=2022-07-06&to=2022-07-08'
            : path === '/api/export/readings.csv'
              ? `?ride_id=${ids!.ride}`
              : '';
    const riders = await t.db.query<Record<string, string | null>>(
      'SELECT first_name, last_name, email, address_line_1, postcode, birth_date::text AS birth_date FROM riders',
    );
    personal = riders
      .flatMap((r) => Object.values(r))
      .filter((v): v is string => !!v && v.length > 3);
  });
  afterAll(async () => {
    await api.close();
    await t?.close();
  });

  it('serves a valid OpenAPI 3 document', async () => {
    const doc = (await api.call('GET', '/api/openapi.json', null)).json<object>();
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
  });

  it('documents the brief and the API routes, and only health, metrics and sign-in go without a key', () => {
    const listed = ops.map((o) => `${o.method} ${o.path}`);
    for (const want of [
      'GET /api/rides',
      'GET /api/rides/{id}',
      'DELETE /api/rides/{id}',
      'GET /api/riders/{id}',
      'GET /api/riders/{id}/rides',
      'DELETE /api/riders/{id}',
      'GET /api/daily',
      'GET /api/activity',
      'GET /api/alerts',
      'GET /api/alerts/{id}',
      'GET /api/alerts/{id}/mail',
      'GET /api/reports',
      'GET /api/reports/{date}.pdf',
      'GET /api/export/rides.csv',
      'GET /api/export/readings.csv',
      'GET /ride/{id}',
      'DELETE /ride/{id}',
      'GET /rider/{user_id}',
      'GET /rider/{user_id}/rides',
      'GET /daily',
      'GET /health',
      'GET /metrics',
      'POST /api/session',
      'GET /api/session',
      'DELETE /api/session',
    ])
      expect(listed).toContain(want);
    expect(
      ops
        .filter((o) => !o.secured)
        .map((o) => `${o.method} ${o.path}`)
        .sort(),
    ).toEqual(['GET /health', 'GET /metrics', 'POST /api/session']);
  });

  it('answers 401 in the error shape on every secured route without a key or with a bad one', async () => {
    for (const op of ops.filter((o) => o.secured)) {
      for (const key of [null, 'dlt_' + 'x'.repeat(43), 'not-a-key']) {
        // Who-am-I answers "nobody" to a request with no credential at all.
        if (key === null && op.method === 'GET' && op.path === '/api/session') continue;
        const res = await api.call(op.method, fill(op.path), key);
        expect({ op, key, status: res.statusCode }).toEqual({ op, key, status: 401 });
        expect(expectBody(res, 401, ErrorResponse).error.code).toBe('unauthorized');
        expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      }
    }
  });

  it('answers 403 to a viewer on every DELETE and admin read, and changes nothing', async () => {
    const before = await t!.db.query(
      'SELECT (SELECT count(*) FROM rides) AS r, (SELECT count(*) FROM riders) AS p',
    );
    // Signing out is every caller's own business.
    const deletes = ops.filter((o) => o.method === 'DELETE' && o.path !== '/api/session');
    expect(deletes.length).toBe(3);
    expect(deletes.every((o) => o.adminOnly)).toBe(true);
    const adminOnly = ops.filter((o) => o.adminOnly);
    expect(adminOnly.map((o) => `${o.method} ${o.path}`)).toContain('GET /api/alerts/{id}/mail');
    for (const op of adminOnly) {
      const res = await api.call(op.method, fill(op.path), api.viewer);
      expect({ op, status: res.statusCode }).toEqual({ op, status: 403 });
      expect(expectBody(res, 403, ErrorResponse).error.code).toBe('forbidden');
    }
    expect(
      await t!.db.query(
        'SELECT (SELECT count(*) FROM rides) AS r, (SELECT count(*) FROM riders) AS p',
      ),
    ).toEqual(before);
  });

  it('gives viewers every read without identifying data, and admins with it', async () => {
    expect(personal.length).toBeGreaterThan(10);
    const personalKeys = /"(email|first_name|last_name|birth_date|address|title)"/;
    let adminSawPersonal = false;
    // The live stream never ends; test/live-*.test.ts and the browser tests check what it sends.
    for (const op of ops.filter(
      (o) => o.secured && o.method === 'GET' && !o.adminOnly && o.path !== '/api/live',
    )) {
      const url = `${fill(op.path)}${queryOf(op.path)}`;
      const res = await api.call('GET', url, api.viewer);
      expect({ url, status: res.statusCode }).toEqual({ url, status: 200 });
      // Both roles' bodies hold no field their documented schema lacks; a PDF is read as text.
      expect({ url, documented: op.body !== undefined || op.pdf || op.csv }).toEqual({
        url,
        documented: true,
      });
      const readBody = (r: typeof res): string => {
        if (op.csv) {
          expect(r.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
          return r.body;
        }
        if (!op.pdf) {
          expectBody(r, 200, op.body!);
          return r.body;
        }
        expect(r.headers['content-type']).toBe('application/pdf');
        return pdfText(r.rawPayload);
      };
      const text = readBody(res);
      expect(text).not.toMatch(personalKeys);
      // A CSV names its fields in its header row instead.
      if (op.csv)
        expect(
          text
            .slice(0, text.indexOf('\r\n'))
            .split(',')
            .filter((c) => /^(email|first_name|last_name|birth_date|address_.*|title)$/.test(c)),
        ).toEqual([]);
      for (const value of personal)
        expect({ url, leaked: text.includes(value) ? value : null }).toEqual({
          url,
          leaked: null,
        });
      const asAdmin = readBody(await api.call('GET', url, api.admin));
      if (personal.some((v) => asAdmin.includes(v))) adminSawPersonal = true;
    }
    expect(adminSawPersonal).toBe(true);
    // Admin-only reads (an alert's mail, which names the rider) answer admins as documented.
    for (const op of ops.filter((o) => o.method === 'GET' && o.adminOnly)) {
      const res = await api.call('GET', fill(op.path), api.admin);
      expect({ path: op.path, status: res.statusCode }).toEqual({ path: op.path, status: 200 });
      expectBody(res, 200, op.body!);
    }
  });

  it('gives a viewer exactly the pseudonymous fields of a rider, an admin every field, as documented', async () => {
    const [ids] = await t!.db.query<{ ride: number; rider: number }>(
      'SELECT ride_id AS ride, rider_id AS rider FROM rides ORDER BY ride_id LIMIT 1',
    );
    const riders = async (key: string) => {
      const one = (await api.call('GET', `/api/riders/${ids!.rider}`, key)).json<
        Record<string, unknown>
      >();
      const ride = (await api.call('GET', `/api/rides/${ids!.ride}`, key)).json<{
        rider: Record<string, unknown>;
      }>();
      const day = (await api.call('GET', '/api/daily?date=2022-07-06', key)).json<{
        rides: { rider: Record<string, unknown> | null }[];
      }>();
      delete one.stats;
      const all = [one, ride.rider, ...day.rides.map((r) => r.rider)];
      return all.filter((r) => r !== null).map((r) => Object.keys(r).sort());
    };
    const asViewer = await riders(api.viewer);
    expect(asViewer.length).toBeGreaterThan(2);
    for (const fields of asViewer) expect(fields).toEqual(PSEUDONYMOUS);
    for (const fields of await riders(api.admin))
      expect(fields).toEqual([...PSEUDONYMOUS, ...IDENTIFYING].sort());
    // The OpenAPI document says the same: the pseudonymous fields are always there, the rest are
    // marked admin only.
    const doc = (await api.call('GET', '/api/openapi.json', null)).json<{
      components: {
        schemas: {
          Rider: { required: string[]; properties: Record<string, { description?: string }> };
        };
      };
    }>();
    const rider = doc.components.schemas.Rider;
    expect([...rider.required].sort()).toEqual(PSEUDONYMOUS);
    expect(
      Object.entries(rider.properties)
        .filter(([, p]) => p.description === 'admin only')
        .map(([name]) => name)
        .sort(),
    ).toEqual(IDENTIFYING);
  });
});
