// The response schemas are closed at every depth, so a body with an undocumented field fails the
// check that every API test makes with expectBody.
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z, type ZodType } from 'zod';
import * as healthSchemas from '../src/api/health-schemas.js';
import * as reportSchemas from '../src/api/report-schemas.js';
import * as schemas from '../src/api/schemas.js';
import { HealthBody } from '../src/api/health-schemas.js';
import { ErrorResponse, RideDetail } from '../src/api/schemas.js';
import { expectBody } from './support/api.js';

const ride = {
  ride_id: 7,
  rider_id: 3,
  bike_serial: 'SN0001',
  started_at: '2022-07-06T10:00:00.000Z',
  ended_at: null,
  duration_s: 60,
  rider_age: 40,
  personal_max_bpm: 179,
  seconds_above_max: 0,
  alert_count: 1,
  summary: {
    reading_count: 60,
    avg_heart_rate: 120.5,
    min_heart_rate: 90,
    max_heart_rate: 150,
    avg_rpm: 80,
    avg_resistance: 40,
    avg_power_w: 150.2,
    max_power_w: 300,
    energy_kj: 9.01,
  },
  rider: {
    rider_id: 3,
    gender: 'female',
    age: 40,
    height_cm: 170,
    weight_kg: 60,
    account_created: '2020-01-01',
    original_source: 'web',
    title: 'Dr',
    first_name: 'Ada',
    last_name: 'Byron',
    email: 'ada@example.com',
    birth_date: '1982-02-03',
    address: { line_1: '1 Road', line_2: null, city: 'London', postcode: 'N1 1AA' },
  },
};

const health = {
  status: 'ok',
  database: { kind: 'pglite', status: 'ok' },
  readDatabase: null,
  ingest: { messages: 1, readings: 1, rejects: 0, lastCommitAt: null, lastError: null },
  alertMail: null,
  mailDelivery: 'outbox',
  live: { rides: 3, browsers: 2, dropped: 0 },
  reports: {
    built: 1,
    sent: 1,
    failed: 0,
    retried: 0,
    lastDay: '2026-12-03',
    nextRunAt: '2026-12-05T07:00:00.000Z',
    lastError: null,
  },
  analytics: { pendingDays: 0 },
};

/** Every JSON Schema object node under `node` that would take keys it does not list. */
function openObjects(node: unknown, path: string): string[] {
  if (typeof node !== 'object' || node === null) return [];
  const here =
    'properties' in node &&
    (node as { additionalProperties?: unknown }).additionalProperties !== false
      ? [path]
      : [];
  return [...here, ...Object.entries(node).flatMap(([k, v]) => openObjects(v, `${path}/${k}`))];
}

describe('response schemas', () => {
  const app = Fastify();
  let body: unknown;
  app.get('/body', (_req, reply) => reply.type('application/json').send(JSON.stringify(body)));
  const served = async (b: unknown) => {
    body = b;
    return app.inject({ url: '/body' });
  };
  beforeAll(() => app.ready());
  afterAll(() => app.close());

  it('accept the documented bodies (so the refusals below are about the extra field)', async () => {
    expect(expectBody(await served(ride), 200, RideDetail).rider?.first_name).toBe('Ada');
    expect(expectBody(await served(health), 200, HealthBody).status).toBe('ok');
    const error = { error: { code: 'not_found', message: 'no ride 7' } };
    expect(expectBody(await served(error), 200, ErrorResponse)).toEqual(error);
  });

  it('refuse a body with an undocumented field at any depth', async () => {
    const extra: [string, unknown, ZodType][] = [
      ['top level', { ...ride, secret: 1 }, RideDetail],
      ['in the summary', { ...ride, summary: { ...ride.summary, secret: 1 } }, RideDetail],
      ['in the rider', { ...ride, rider: { ...ride.rider, secret: 1 } }, RideDetail],
      [
        "in the rider's address",
        { ...ride, rider: { ...ride.rider, address: { ...ride.rider.address, floor: 2 } } },
        RideDetail,
      ],
      ['in a nullable object', { ...health, ingest: { ...health.ingest, secret: 1 } }, HealthBody],
      // Fastify's own error bodies: one shape, not two.
      ['beside the error', { error: { code: 'x', message: 'y' }, statusCode: 400 }, ErrorResponse],
      ['in the error', { error: { code: 'x', message: 'y', statusCode: 400 } }, ErrorResponse],
    ];
    for (const [where, b, schema] of extra) {
      const res = await served(b);
      expect(() => expectBody(res, 200, schema), where).toThrow(/does not match its schema/);
    }
  });

  it('are closed at every depth, every one of them', () => {
    const exported: [string, unknown][] = [
      ...Object.entries(schemas),
      ...Object.entries(reportSchemas),
      ...Object.entries(healthSchemas),
    ];
    const all = exported.filter((e): e is [string, ZodType] => e[1] instanceof z.ZodType);
    expect(all.length).toBeGreaterThan(10);
    for (const [name, schema] of all)
      expect({ name, open: openObjects(z.toJSONSchema(schema, { io: 'input' }), '') }).toEqual({
        name,
        open: [],
      });
  });
});
