// Deleting rides and erasing riders over the API: everything of theirs goes, in one transaction,
// and the erasure is recorded without personal data.
import pino from 'pino';
import { afterEach, expect, it } from 'vitest';
import { RideDeleted, RiderErased } from '../src/api/schemas.js';
import { apiHarness, expectBody, type ApiHarness } from './support/api.js';
import { seed, SEED } from './support/api-seed.js';
import { describeEachDb, rowCounter } from './support/databases.js';
import { envelope } from './support/ingest.js';

const LATER = Date.UTC(2022, 6, 8);

describeEachDb('staff API deletions', (get) => {
  let api: ApiHarness | undefined;
  afterEach(async () => api?.close());
  const count = rowCounter(get);

  it('deletes a ride with its readings and alerts for admins only, then answers 404', async () => {
    await seed(get().db);
    const lines: { msg?: string; rideId?: number; by?: string }[] = [];
    const logger = pino(
      { level: 'info' },
      { write: (l: string) => void lines.push(JSON.parse(l) as never) },
    );
    api = await apiHarness(get().db, { now: () => LATER, logger });
    const [ride] = await get().db.query<{ ride_id: number; reading_count: number }>(
      'SELECT ride_id, reading_count FROM rides WHERE ride_id IN (SELECT ride_id FROM alerts) LIMIT 1',
    );
    const id = ride!.ride_id;
    const alerts = await count('alerts WHERE ride_id = $1', [id]);
    const before = { rides: await count('rides'), readings: await count('readings') };
    expect((await api.call('DELETE', `/api/rides/${id}`, api.viewer)).statusCode).toBe(403);
    expect(await count('rides WHERE ride_id = $1', [id])).toBe(1);
    const res = expectBody(
      await api.call('DELETE', `/api/rides/${id}`, api.admin),
      200,
      RideDeleted,
    );
    expect(res.deleted).toEqual({ ride_id: id, readings: ride!.reading_count, alerts });
    // Who deleted what is logged, though request logs are quiet.
    const logged = lines.find((l) => l.msg === 'ride deleted');
    expect(logged?.rideId).toBe(id);
    expect(logged?.by).toMatch(/^admin-/);
    expect(await count('readings WHERE ride_id = $1', [id])).toBe(0);
    expect(await count('alerts WHERE ride_id = $1', [id])).toBe(0);
    expect(await count('rides')).toBe(before.rides - 1);
    expect(await count('readings')).toBe(before.readings - ride!.reading_count);
    expect((await api.call('GET', `/api/rides/${id}`, api.admin)).statusCode).toBe(404);
    expect((await api.call('DELETE', `/api/rides/${id}`, api.admin)).statusCode).toBe(404);
    // The brief's alias deletes the same way.
    const [other] = await get().db.query<{ ride_id: number }>('SELECT ride_id FROM rides LIMIT 1');
    expect((await api.call('DELETE', `/ride/${other!.ride_id}`, api.admin)).statusCode).toBe(200);
    expect(await count('rides')).toBe(before.rides - 2);
  });

  it('refuses with 409 to delete a ride that is being ridden', async () => {
    await seed(get().db);
    const [open] = await get().db.query<{ ride_id: number; last_ms: number }>(
      `SELECT ride_id, (extract(epoch FROM started_at) * 1000 + duration_s * 1000)::float8 AS last_ms
       FROM rides WHERE ended_at IS NULL LIMIT 1`,
    );
    expect(open).toBeDefined();
    // The database's clock decides: ingest wrote to the ride ten seconds ago.
    await get().db.query(
      `UPDATE rides SET heard_at = now() - interval '10 seconds' WHERE ride_id = $1`,
      [open!.ride_id],
    );
    api = await apiHarness(get().db);
    const res = await api.call('DELETE', `/api/rides/${open!.ride_id}`, api.admin);
    expect(res.statusCode).toBe(409);
    const body = res.json<{ error: { code: string; message: string } }>();
    expect(body.error.code).toBe('conflict');
    expect(body.error.message).toMatch(/in progress/);
    expect(await count('rides WHERE ride_id = $1', [open!.ride_id])).toBe(1);
  });

  it("deletes an open ride dated in the future once ingest stops writing to it: the bike's clock does not decide", async () => {
    await seed(get().db);
    const [open] = await get().db.query<{ ride_id: number }>(
      'SELECT ride_id FROM rides WHERE ended_at IS NULL LIMIT 1',
    );
    await get().db.query(
      `UPDATE rides SET started_at = '2999-01-01T00:00:00Z', heard_at = now() - interval '1 hour'
       WHERE ride_id = $1`,
      [open!.ride_id],
    );
    api = await apiHarness(get().db);
    const res = await api.call('DELETE', `/api/rides/${open!.ride_id}`, api.admin);
    expect(res.statusCode).toBe(200);
    expect(await count('rides WHERE ride_id = $1', [open!.ride_id])).toBe(0);
  });

  it('erases a rider and records it without personal data', async () => {
    await seed(get().db);
    api = await apiHarness(get().db, { now: () => LATER });
    const t = SEED.truths.find((x) => x.abnormal !== null)!;
    const [p] = await get().db.query<{ email: string; first_name: string; last_name: string }>(
      'SELECT email, first_name, last_name FROM riders WHERE rider_id = $1',
      [t.userId],
    );
    // Rejected lines that name the rider (by account number or email) go too; others stay.
    const named = envelope(
      `2022-07-06 22:50:00.000000 mendoza v9: [SYSTEM] data = {"user_id":${t.userId},"name":`,
    );
    const byEmail = envelope(`garbage ${p!.email} garbage`);
    const unrelated = envelope(
      `2022-07-06 22:50:00.000000 mendoza v9: [SYSTEM] data = {"user_id":${t.userId}7,"name":`,
    );
    await get().db.query(
      `INSERT INTO rejected_messages (source, partition, position, raw, reason)
       SELECT 'test', 0, n, raw, 'test' FROM unnest($1::text[]) WITH ORDINALITY AS x(raw, n)`,
      [[named, byEmail, unrelated]],
    );
    const rides = await count('rides WHERE rider_id = $1', [t.userId]);
    const readings = await count(
      'readings WHERE ride_id IN (SELECT ride_id FROM rides WHERE rider_id = $1)',
      [t.userId],
    );
    const alerts = await count('alerts WHERE rider_id = $1', [t.userId]);
    expect(alerts).toBeGreaterThan(0);
    expect((await api.call('DELETE', `/api/riders/${t.userId}`, api.viewer)).statusCode).toBe(403);
    const res = expectBody(
      await api.call('DELETE', `/api/riders/${t.userId}`, api.admin),
      200,
      RiderErased,
    );
    expect(res.erasure).toMatchObject({
      rider_id: t.userId,
      rides_deleted: rides,
      readings_deleted: readings,
      alerts_deleted: alerts,
      rejected_deleted: 2,
    });
    for (const table of ['riders', 'rides', 'alerts'])
      expect(await count(`${table} WHERE rider_id = $1`, [t.userId])).toBe(0);
    expect(await count('rejected_messages')).toBe(1);
    const record = JSON.stringify(await get().db.query('SELECT * FROM erasures'));
    for (const personal of [p!.email, p!.first_name, p!.last_name])
      expect(record).not.toContain(personal);
    expect((await api.call('GET', `/api/riders/${t.userId}`, api.admin)).statusCode).toBe(404);
    expect((await api.call('DELETE', `/api/riders/${t.userId}`, api.admin)).statusCode).toBe(404);

    // Someone known only from a rejected [SYSTEM] line is erased too.
    await get().db.query(
      `INSERT INTO rejected_messages (source, partition, position, raw, reason) VALUES ('test', 0, 99, $1, 'test')`,
      [
        envelope(
          '2022-07-06 22:50:00.000000 mendoza v9: [SYSTEM] data = {"user_id":777777,"name":"X Y"}',
        ),
      ],
    );
    const ghost = expectBody(
      await api.call('DELETE', '/api/riders/777777', api.admin),
      200,
      RiderErased,
    );
    expect(ghost.erasure).toMatchObject({ rides_deleted: 0, rejected_deleted: 1 });
    expect((await api.call('DELETE', '/api/riders/777777', api.admin)).statusCode).toBe(404);
  });
});
