// DATABASE_READ_URL on a real streaming replica (initdb, pg_basebackup -R, pg_ctl in a temporary
// directory): the start waits for the replica to replay the migrations it made, every read
// route works on a server that refuses writes, /health reports the replay lag, and a write on
// the primary reaches the API's reads once replayed.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthBody } from '../src/api/health-schemas.js';
import { openDatabases, type Databases } from '../src/app/open-db.js';
import { loadConfig } from '../src/config.js';
import { loadMigrations, schemaVersion } from '../src/store/migrate.js';
import { apiHarness, expectBody, type ApiHarness } from './support/api.js';
import { seed } from './support/api-seed.js';
import { silent } from './support/ingest.js';
import { canMakeStreamingReplica, startStreamingPair } from './support/streaming-replica.js';
import { waitUntil } from './support/wait.js';

const NOW = Date.UTC(2022, 6, 7, 7, 30);
const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
});

const count = async (db: Databases['db'], from: string, params: number[] = []): Promise<number> =>
  (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${from}`, params))[0]!.n;

describe.skipIf(!canMakeStreamingReplica)('a real streaming replica', () => {
  let dbs: Databases;
  let api: ApiHarness;
  beforeAll(async () => {
    const pair = await startStreamingPair();
    cleanup.push(pair.stop);
    const admin = new pg.Client({ connectionString: pair.primaryUrl('postgres') });
    await admin.connect();
    await admin.query('CREATE DATABASE deloton');
    await admin.end();
    const config = loadConfig({
      DATABASE_URL: pair.primaryUrl('deloton'),
      DATABASE_READ_URL: pair.replicaUrl('deloton'),
    });
    // Every migration is applied now, so the start waits for the replica to replay them.
    dbs = await openDatabases(config, silent);
    cleanup.push(() => dbs.close());
  });

  it('opens once the replica has replayed the migrations the start applied', async () => {
    const newest = loadMigrations().at(-1)!.version;
    expect(await schemaVersion(dbs.readDb)).toBe(newest);
    const [replica] = await dbs.readDb.query<{ recovery: boolean }>(
      'SELECT pg_is_in_recovery() AS recovery',
    );
    expect(replica!.recovery).toBe(true);
  });

  it('serves every read route from the read-only replica and reports its replay lag', async () => {
    await seed(dbs.db);
    const rides = await count(dbs.db, 'rides');
    await waitUntil(async () => (await count(dbs.readDb, 'rides')) === rides, 'the replay');
    api = await apiHarness(dbs.db, { readDb: dbs.readDb, now: () => NOW });
    cleanup.push(() => api.close());
    const [ride] = await dbs.db.query<{ ride_id: number; rider_id: number }>(
      'SELECT ride_id, rider_id FROM rides WHERE ended_at IS NOT NULL ORDER BY ride_id LIMIT 1',
    );
    const { ride_id: rideId, rider_id: riderId } = ride!;
    // A route that wrote through readDb would fail here: a replica refuses writes (25006).
    for (const path of [
      '/api/rides',
      `/api/rides/${rideId}?include=readings`,
      `/ride/${rideId}`,
      `/api/riders/${riderId}`,
      `/api/riders/${riderId}/rides`,
      '/api/daily?date=2022-07-06',
      '/api/activity?range=7d',
      '/api/export/rides.csv?from=2022-07-06&to=2022-07-08',
      `/api/export/readings.csv?ride_id=${rideId}`,
      '/api/reports',
    ])
      expect({ path, status: (await api.call('GET', path, api.viewer)).statusCode }).toEqual({
        path,
        status: 200,
      });

    const health = expectBody(await api.call('GET', '/health', null), 200, HealthBody);
    expect(health.readDatabase?.status).toBe('ok');
    expect(health.readDatabase?.replayLagS).toBeGreaterThanOrEqual(0);

    // A deletion on the primary reaches the API's reads once the replica has replayed it.
    expect((await api.call('DELETE', `/api/rides/${rideId}`, api.admin)).statusCode).toBe(200);
    await waitUntil(
      async () => (await api.call('GET', `/api/rides/${rideId}`, api.viewer)).statusCode === 404,
      'the deletion to be replayed',
    );
  });
});
