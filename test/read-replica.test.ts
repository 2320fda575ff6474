// DATABASE_READ_URL: the API's read routes and the scheduled report read the replica; writes,
// keys, sessions and alerts stay on the primary. The "replica" is a copy of the primary made
// after seeding; the primary then loses a ride (and its alerts) that the copy keeps, so every
// answer shows which database it came from.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorResponse, RidePage } from '../src/api/schemas.js';
import { HealthBody } from '../src/api/health-schemas.js';
import { createOutboxMailer } from '../src/mail/mailer.js';
import { runReportScheduler, newReportSchedulerStats } from '../src/reports/report-scheduler.js';
import type { Db } from '../src/store/db.js';
import { openPgDb } from '../src/store/pg-db.js';
import { migrate } from '../src/store/migrate.js';
import { queueReports } from '../src/store/reports.repository.js';
import { deleteRide } from '../src/store/rides.repository.js';
import { apiHarness, expectBody, makeKey, type ApiHarness } from './support/api.js';
import { seed } from './support/api-seed.js';
import { createPgDatabase } from './support/databases.js';
import { runCli, spawnCli } from './support/cli.js';
import { silent } from './support/ingest.js';
import { copyPgDatabase } from './support/replica.js';
import { startTcpProxy } from './support/tcp-proxy.js';
import { waitUntil } from './support/wait.js';

const ZONE = 'Europe/London';
// 08:30 in London on 7 July 2022: the seed's first rides (6 July, ended) are history, and that
// day's report is due.
const NOW = Date.UTC(2022, 6, 7, 7, 30);
const DAY = '2022-07-06';

const cleanup: (() => Promise<void>)[] = [];
let primary: Db;
let replica: Db;
let urls: { primary: string; replica: string };
/** Kept on the replica, deleted on the primary: a ride with alerts, started on DAY. */
let marker: { rideId: number; riderId: number };
/** Ended rides and a rider present on both, for the writes. */
let others: { rideIds: number[]; riderId: number };

const count = async (db: Db, from: string, params: (string | number)[] = []): Promise<number> =>
  (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${from}`, params))[0]!.n;

beforeAll(async () => {
  const made = await createPgDatabase();
  cleanup.push(made.drop);
  const seeding = openPgDb(made.url);
  await migrate(seeding);
  await seed(seeding);
  await seeding.close();
  const copy = await copyPgDatabase(made.url);
  cleanup.push(copy.drop);
  urls = { primary: made.url, replica: copy.url };
  primary = openPgDb(made.url);
  replica = openPgDb(copy.url);
  cleanup.push(
    () => primary.close(),
    () => replica.close(),
  );

  const [m] = await primary.query<{ ride_id: number; rider_id: number }>(
    `SELECT ride_id, rider_id FROM rides
     WHERE ended_at IS NOT NULL AND (started_at AT TIME ZONE $1)::date = $2
       AND ride_id IN (SELECT ride_id FROM alerts)
     ORDER BY ride_id LIMIT 1`,
    [ZONE, DAY],
  );
  marker = { rideId: m!.ride_id, riderId: m!.rider_id };
  const rest = await primary.query<{ ride_id: number; rider_id: number }>(
    `SELECT ride_id, rider_id FROM rides WHERE ended_at IS NOT NULL AND rider_id <> $1
     ORDER BY ride_id`,
    [marker.riderId],
  );
  const eraseRider = rest[rest.length - 1]!.rider_id;
  others = {
    rideIds: rest.filter((r) => r.rider_id !== eraseRider).map((r) => r.ride_id),
    riderId: eraseRider,
  };
  const deleted = await primary.transaction((tx) => deleteRide(tx, marker.rideId, 0));
  expect(deleted.kind).toBe('deleted');
  // A stored report (queued) that only the replica lists.
  await queueReports(replica, ['2022-07-01'], ZONE);
});

afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
});

describe('DATABASE_READ_URL routing', () => {
  let routed: ApiHarness;
  let onPrimary: ApiHarness;
  let onReplica: ApiHarness;
  beforeAll(async () => {
    routed = await apiHarness(primary, { readDb: replica, now: () => NOW });
    onPrimary = await apiHarness(primary, { now: () => NOW });
    onReplica = await apiHarness(replica, { now: () => NOW });
    cleanup.push(
      () => routed.close(),
      () => onPrimary.close(),
      () => onReplica.close(),
    );
  });

  it('answers every read route from the replica: rides, ride pages, riders, daily, activity, exports, reports', async () => {
    const { rideId, riderId } = marker;
    const reads = [
      '/api/rides',
      `/api/rides?rider_id=${riderId}`,
      `/api/rides/${rideId}`,
      `/api/rides/${rideId}?include=readings`,
      `/ride/${rideId}?include=readings&after_s=10`,
      `/api/riders/${riderId}`,
      `/rider/${riderId}`,
      `/api/riders/${riderId}/rides`,
      `/rider/${riderId}/rides`,
      `/api/daily?date=${DAY}`,
      `/daily?date=${DAY}`,
      '/api/activity?range=7d',
      '/api/export/rides.csv?from=2022-07-06&to=2022-07-08',
      `/api/export/readings.csv?ride_id=${rideId}`,
      '/api/reports',
    ];
    for (const path of reads) {
      const [got, fromReplica, fromPrimary] = await Promise.all(
        [
          [routed, routed.admin],
          [onReplica, onReplica.admin],
          [onPrimary, onPrimary.admin],
        ].map(async ([h, key]) => {
          const res = await (h as ApiHarness).call('GET', path, key as string);
          return { path, status: res.statusCode, body: res.body };
        }),
      );
      expect(got).toEqual(fromReplica);
      expect(got!.status).toBe(200);
      // The marker makes the two databases answer differently: the answer above was the replica's.
      expect(fromPrimary).not.toEqual(fromReplica);
    }
  });

  it('keeps alerts, key and session lookups and every write on the primary', async () => {
    // Alerts are read where staff act on them: the primary (the marker's alerts are gone there).
    const alerts = await routed.call('GET', '/api/alerts', routed.admin);
    expect(alerts.body).toBe((await onPrimary.call('GET', '/api/alerts', onPrimary.admin)).body);
    expect(alerts.body).not.toBe(
      (await onReplica.call('GET', '/api/alerts', onReplica.admin)).body,
    );
    // The keys that authenticated every request above exist on the primary only.
    expect(await count(replica, 'api_keys')).toBe(2);
    expect(await count(primary, 'api_keys')).toBe(4);

    const rideId = others.rideIds[0]!;
    expect((await routed.call('DELETE', `/api/rides/${rideId}`, routed.admin)).statusCode).toBe(
      200,
    );
    expect(await count(primary, 'rides WHERE ride_id = $1', [rideId])).toBe(0);
    expect(await count(replica, 'rides WHERE ride_id = $1', [rideId])).toBe(1);

    const riderId = others.riderId;
    expect((await routed.call('DELETE', `/api/riders/${riderId}`, routed.admin)).statusCode).toBe(
      200,
    );
    expect(await count(primary, 'rides WHERE rider_id = $1', [riderId])).toBe(0);
    expect(await count(replica, 'rides WHERE rider_id = $1', [riderId])).toBeGreaterThan(0);

    const signIn = await routed.app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { key: routed.viewer },
    });
    expect(signIn.statusCode).toBe(201);
    expect(await count(primary, 'sessions')).toBe(1);
    expect(await count(replica, 'sessions')).toBe(0);
  });

  it("builds the scheduled report from the replica's figures and stores it on the primary", async () => {
    const started = (db: Db) =>
      count(db, 'rides WHERE (started_at AT TIME ZONE $1)::date = $2', [ZONE, DAY]);
    const onReplicaRides = await started(replica);
    expect(await started(primary)).toBeLessThan(onReplicaRides);
    const stop = new AbortController();
    const stats = newReportSchedulerStats();
    const done = runReportScheduler({
      db: primary,
      readDb: replica,
      mailer: createOutboxMailer(),
      logger: silent,
      signal: stop.signal,
      schedule: { cron: '0 7 * * *', timeZone: ZONE },
      recipients: [],
      domain: 'deloton.test',
      now: () => NOW,
      catchUpDays: 1,
      sweepMs: 200,
      stats,
    });
    try {
      await waitUntil(() => stats.built >= 1, 'the report to be built');
    } finally {
      stop.abort();
      await done;
    }
    const [row] = await primary.query<{ summary: { totals: { rideCount: number } } | null }>(
      'SELECT summary FROM reports WHERE day = $1',
      [DAY],
    );
    expect(row?.summary?.totals.rideCount).toBe(onReplicaRides);
    expect(await count(replica, 'reports WHERE day = $1', [DAY])).toBe(0);
  });
});

describe('deloton report with DATABASE_READ_URL', () => {
  it("builds the day's report from the replica", async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'deloton-report-')), 'r.pdf');
    const run = await runCli(['report', '--date', DAY, '--out', out], {
      DATABASE_URL: urls.primary,
      DATABASE_READ_URL: urls.replica,
      DISPLAY_TIMEZONE: ZONE,
      LOG_LEVEL: 'info',
    });
    expect(run.code).toBe(0);
    const built = run.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg?: string; rides?: number; replica?: string })
      .filter((l) => l.msg === 'report built' || l.msg?.startsWith('read replica opened'));
    expect(built.map((l) => l.msg)).toEqual([
      'read replica opened: reads go there',
      'report built',
    ]);
    expect(built[1]!.rides).toBe(
      await count(replica, 'rides WHERE (started_at AT TIME ZONE $1)::date = $2', [ZONE, DAY]),
    );
    expect(built[1]!.rides).not.toBe(
      await count(primary, 'rides WHERE (started_at AT TIME ZONE $1)::date = $2', [ZONE, DAY]),
    );
  });
});

describe('deloton serve with DATABASE_READ_URL', () => {
  it('reads from the replica and reports it on /health', async () => {
    const child = spawnCli(['serve'], {
      DATABASE_URL: urls.primary,
      DATABASE_READ_URL: urls.replica,
      DISPLAY_TIMEZONE: ZONE,
      PORT: '0',
      LOG_LEVEL: 'info',
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    cleanup.push(async () => {
      child.kill('SIGTERM');
      await exited;
    });
    let seen = '';
    const base = await new Promise<string>((resolve, reject) => {
      child.stderr?.on('data', (d: Buffer) => {
        seen += d.toString();
        const m = /"address":"(http:\/\/[^"]+)"/.exec(seen);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (c) => reject(new Error(`serve exited ${c}: ${seen}`)));
    });
    const health = HealthBody.parse(await (await fetch(`${base}/health`)).json());
    expect(health.readDatabase).toEqual({ status: 'ok', replayLagS: null });
    const key = await makeKey(primary, 'serve-cli', 'viewer');
    const ride = await fetch(`${base}/api/rides/${marker.rideId}`, {
      headers: { authorization: `Bearer ${key}` },
    });
    // Only the replica still has the marker ride.
    expect(ride.status).toBe(200);
  });
});

describe('a read replica that goes down', () => {
  it('reports it on /health; reads answer 503 in the error shape while writes and alerts go on', async () => {
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
    cleanup.push(() => proxy.close());
    const url = new URL(
      (await replica.query<{ db: string }>('SELECT current_database() AS db'))[0]!.db,
      'postgresql://postgres@127.0.0.1/',
    );
    url.port = String(proxy.port);
    const viaProxy = openPgDb(url.toString());
    cleanup.push(() => viaProxy.close());
    const api = await apiHarness(primary, { readDb: viaProxy, now: () => NOW });
    cleanup.push(() => api.close());

    const up = expectBody(await api.call('GET', '/health', null), 200, HealthBody);
    expect(up).toMatchObject({
      status: 'ok',
      database: { kind: 'postgres', status: 'ok' },
      // A copy is no streaming replica: it has no replay lag to report.
      readDatabase: { status: 'ok', replayLagS: null },
    });
    expectBody(await api.call('GET', '/api/rides', api.viewer), 200, RidePage);

    await proxy.down();
    const down = expectBody(await api.call('GET', '/health', null), 503, HealthBody);
    expect(down).toMatchObject({
      status: 'degraded',
      database: { status: 'ok' },
      readDatabase: { status: 'unreachable', replayLagS: null },
    });
    const read = await api.call('GET', '/api/rides', api.viewer);
    expect(expectBody(read, 503, ErrorResponse).error.code).toBe('database_unavailable');
    expect(read.headers['retry-after']).toBe('5');
    // The primary still takes writes and serves the alerts.
    const rideId = others.rideIds[1]!;
    expect((await api.call('DELETE', `/api/rides/${rideId}`, api.admin)).statusCode).toBe(200);
    expect(await count(primary, 'rides WHERE ride_id = $1', [rideId])).toBe(0);
    expect((await api.call('GET', '/api/alerts', api.viewer)).statusCode).toBe(200);

    await proxy.up();
    expectBody(await api.call('GET', '/api/rides', api.viewer), 200, RidePage);
    expect((await api.call('GET', '/health', null)).statusCode).toBe(200);
  });
});
