// Keys at work: revocation takes effect at once, the rate limit answers 429 with Retry-After,
// an unreachable database gives 503, and /metrics reports what the platform does.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ErrorResponse, RidePage } from '../src/api/schemas.js';
import { buildHttpServer } from '../src/app/http-server.js';
import { revokeApiKey } from '../src/store/api-keys.repository.js';
import type { Db } from '../src/store/db.js';
import { apiHarness, expectBody, makeKey, type ApiHarness } from './support/api.js';
import { seed } from './support/api-seed.js';
import { describeEachDb } from './support/databases.js';
import { silent } from './support/ingest.js';
import { proxiedPgDb } from './support/proxied-db.js';
import { waitUntil } from './support/wait.js';

describeEachDb('API keys', (get) => {
  let api: ApiHarness | undefined;
  afterEach(async () => api?.close());

  it('stops accepting a key as soon as it is revoked, even one it has just cached', async () => {
    api = await apiHarness(get().db);
    const key = await makeKey(get().db, 'soon-gone', 'viewer');
    expect((await api.call('GET', '/api/rides', key)).statusCode).toBe(200);
    expect(await revokeApiKey(get().db, 'soon-gone')).toMatchObject({ name: 'soon-gone' });
    let status = 200;
    // NOTIFY reaches the cache asynchronously; it must do so well inside the cache's lifetime.
    for (let i = 0; i < 150 && status === 200; i++) {
      await new Promise((r) => setTimeout(r, 20));
      status = (await api.call('GET', '/api/rides', key)).statusCode;
    }
    expect(status).toBe(401);
    expect((await api.call('GET', '/api/rides', api.viewer)).statusCode).toBe(200);
    const [row] = await get().db.query<{ last_used_at: Date | null }>(
      "SELECT last_used_at FROM api_keys WHERE name = 'soon-gone'",
    );
    expect(row!.last_used_at).toBeInstanceOf(Date);
  });

  it('limits each key on its own: 429 with Retry-After, the error shape, and other keys unaffected', async () => {
    let now = Date.UTC(2022, 6, 6);
    api = await apiHarness(get().db, { rateLimitPerMinute: 3, now: () => now });
    for (let i = 0; i < 3; i++)
      expect((await api.call('GET', '/api/rides', api.viewer)).statusCode).toBe(200);
    const limited = await api.call('GET', '/api/rides', api.viewer);
    expect(expectBody(limited, 429, ErrorResponse).error.code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBe(20);
    expect((await api.call('GET', '/api/rides', api.admin)).statusCode).toBe(200);
    now += 20_000;
    expect((await api.call('GET', '/api/rides', api.viewer)).statusCode).toBe(200);
    expect((await api.call('GET', '/api/rides', api.viewer)).statusCode).toBe(429);
  });

  it('slows down an address that keeps sending bad keys, without querying for them', async () => {
    const real = get().db;
    let queries = 0;
    // The real database, counting what reaches it.
    const db: Db = { ...real, query: (sql, params) => (queries++, real.query(sql, params)) };
    const viewer = await makeKey(real, 'busy', 'viewer');
    const app = await buildHttpServer({
      db,
      logger: silent,
      displayTimeZone: 'UTC',
      rateLimitPerMinute: null,
      trustProxy: true,
      // A still clock: the bad-key budget must not refill while a slow machine runs the loop.
      now: () => Date.UTC(2022, 6, 6),
    });
    const call = (key: string, ip = '203.0.113.7') =>
      app.inject({
        url: '/api/rides',
        headers: { authorization: `Bearer ${key}`, 'x-forwarded-for': ip },
      });
    const bad = () => `dlt_${randomBytes(32).toString('base64url')}`;
    try {
      // A good key, used before the storm, stays cached and keeps working through it.
      expect((await call(viewer)).statusCode).toBe(200);
      for (let i = 0; i < 120; i++) expect((await call(bad())).statusCode).toBe(401);
      const before = queries;
      for (let i = 0; i < 20; i++) {
        const limited = await call(bad());
        expect(expectBody(limited, 429, ErrorResponse).error.message).toMatch(/too many bad keys/);
        expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      }
      expect(queries).toBe(before);
      expect((await call(viewer)).statusCode).toBe(200);
      // Behind a trusted proxy, the client is the forwarded address: others are not held back.
      expect((await call(bad(), '198.51.100.9')).statusCode).toBe(401);
    } finally {
      await app.close();
    }
  });

  it('shows no one, without a key, the recipient a mail server quoted in /health', async () => {
    const app = await buildHttpServer({
      db: get().db,
      logger: silent,
      displayTimeZone: 'UTC',
      rateLimitPerMinute: null,
      mailStats: () => ({
        sent: 3,
        failed: 0,
        retried: 1,
        lastError: '452 4.2.2 <molly@example.com>: mailbox full',
      }),
    });
    try {
      const res = await app.inject({ url: '/health' });
      expect(res.json()).toMatchObject({
        alertMail: { sent: 3, retried: 1, lastError: '452 4.2.2 (details for admin keys only)' },
      });
      expect(res.body).not.toContain('molly');
    } finally {
      await app.close();
    }
  });

  it('reports health, and alerts, the feed and HTTP latency at /metrics', async () => {
    await seed(get().db);
    api = await apiHarness(get().db);
    await api.call('GET', '/api/rides', api.viewer);
    const res = await api.call('GET', '/metrics', null);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    const [alerts] = await get().db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM alerts WHERE state = 'queued'",
    );
    expect(res.body).toContain(`deloton_alerts{state="queued"} ${alerts!.n}`);
    expect(res.body).toMatch(/deloton_open_rides \d+/);
    const health = await api.call('GET', '/health', null);
    expect(health.statusCode).toBe(200);
    expect(health.json()).toMatchObject({
      status: 'ok',
      database: { kind: get().kind, status: 'ok' },
    });
    expect(res.body).toMatch(/deloton_feed_lag_seconds \d/);
    expect(res.body).toMatch(
      /deloton_http_request_duration_seconds_count\{method="GET",route="\/api\/rides",status="200"\} 1/,
    );
  });
});

describe('API while PostgreSQL is unreachable', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it('answers 503 in the error shape, reports itself degraded, and recovers', async () => {
    const { db: pgDb, proxy } = await proxiedPgDb(cleanup);
    let reconnects = 0;
    // The real database; the catch-up signal its listeners get after a reconnect is counted.
    const db: Db = {
      ...pgDb,
      listen: (channel, onPayload) =>
        pgDb.listen(channel, (payload) => {
          if (payload === '') reconnects++;
          onPayload(payload);
        }),
    };
    const key = await makeKey(db, 'ops', 'viewer');
    const app = await buildHttpServer({
      db,
      logger: silent,
      displayTimeZone: 'UTC',
      rateLimitPerMinute: null,
    });
    cleanup.push(() => app.close());
    const get = (path: string, withKey = true) =>
      app.inject({ url: path, headers: withKey ? { authorization: `Bearer ${key}` } : {} });
    expectBody(await get('/api/rides'), 200, RidePage);
    await proxy.down();
    // The key is cached: the request reaches the database and finds it gone.
    const down = await get('/api/rides');
    expect(expectBody(down, 503, ErrorResponse).error.code).toBe('database_unavailable');
    expect(down.headers['retry-after']).toBe('5');
    expect((await get('/health', false)).statusCode).toBe(503);
    await proxy.up();
    expectBody(await get('/api/rides'), 200, RidePage);

    // The revocation listener lost its connection too; once it is back, revocations reach the
    // cache again at once (not only when the 10 s cache entry expires).
    await waitUntil(() => reconnects > 0, 'the revocation listener to reconnect');
    const second = await makeKey(db, 'second', 'viewer');
    const withSecond = () =>
      app.inject({ url: '/api/rides', headers: { authorization: `Bearer ${second}` } });
    expect((await withSecond()).statusCode).toBe(200);
    await revokeApiKey(db, 'second');
    let status = 200;
    for (let i = 0; i < 150 && status === 200; i++) {
      await sleep(20);
      status = (await withSecond()).statusCode;
    }
    expect(status).toBe(401);
  });
});
