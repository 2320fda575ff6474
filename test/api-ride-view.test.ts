// What the dashboard's ride view reads: a ride's facts (the rider's age and personal maximum at
// its start, the seconds above it, its alerts), and only the readings it has not got yet; on
// PGlite and PostgreSQL.
import { afterEach, expect, it } from 'vitest';
import { ageOn } from '../src/domain/age.js';
import { Daily, ErrorResponse, RideDetail, RidePage } from '../src/api/schemas.js';
import { apiHarness, expectBody, type ApiHarness } from './support/api.js';
import { seed } from './support/api-seed.js';
import { describeEachDb } from './support/databases.js';

describeEachDb('ride view', (get) => {
  let api: ApiHarness | undefined;
  afterEach(async () => api?.close());

  it("gives each ride the rider's age and maximum at its start, the seconds above it and its alerts", async () => {
    const { db } = get();
    await seed(db);
    api = await apiHarness(db);
    const rows = await db.query<{
      ride_id: number;
      started_at: Date;
      birth_date: string | null;
      rider_age: number | null;
      personal_max_bpm: number | null;
      seconds_above_max: number;
      alerts: number;
    }>(
      `SELECT r.ride_id, r.started_at, p.birth_date::text AS birth_date, r.rider_age,
              r.personal_max_bpm, r.seconds_above_max,
              (SELECT count(*)::int FROM alerts a WHERE a.ride_id = r.ride_id) AS alerts
       FROM rides r JOIN riders p USING (rider_id) ORDER BY r.ride_id`,
    );
    expect(rows.some((r) => r.alerts > 0)).toBe(true);
    expect(rows.some((r) => r.seconds_above_max > 0)).toBe(true);
    const list = expectBody(
      await api.call('GET', '/api/rides?limit=1000', api.viewer),
      200,
      RidePage,
    );
    const day = expectBody(
      await api.call('GET', '/api/daily?date=2022-07-06', api.viewer),
      200,
      Daily,
    );
    for (const row of rows) {
      const ride = expectBody(
        await api.call('GET', `/api/rides/${row.ride_id}`, api.viewer),
        200,
        RideDetail,
      );
      const facts = {
        rider_age: ride.rider_age,
        personal_max_bpm: ride.personal_max_bpm,
        seconds_above_max: ride.seconds_above_max,
        alert_count: ride.alert_count,
      };
      expect({ id: row.ride_id, facts }).toEqual({
        id: row.ride_id,
        facts: {
          rider_age: ageOn(row.birth_date!, row.started_at.getTime()),
          personal_max_bpm: row.personal_max_bpm,
          seconds_above_max: row.seconds_above_max,
          alert_count: row.alerts,
        },
      });
      expect(ride.personal_max_bpm).toBeGreaterThan(100);
      // The lists carry the same facts.
      const { rider: _rider, ...listed } = ride;
      expect(list.data.find((r) => r.ride_id === row.ride_id)).toEqual(listed);
      const inDay = day.rides.find((r) => r.ride_id === row.ride_id);
      if (inDay) expect(inDay).toMatchObject(facts);
    }
    // A ride stored before these facts were (migration 006): nothing to be above.
    await db.query(
      `INSERT INTO rides (rider_id, bike_serial, bike_key, started_at) VALUES (1, 'OLD', 'OLD', now())`,
    );
    const [old] = await db.query<{ id: number }>(
      "SELECT ride_id AS id FROM rides WHERE bike_serial = 'OLD'",
    );
    expect(
      expectBody(await api.call('GET', `/api/rides/${old!.id}`, api.viewer), 200, RideDetail),
    ).toMatchObject({
      rider_age: null,
      personal_max_bpm: null,
      seconds_above_max: null,
      alert_count: 0,
    });
  });

  it('gives only the readings after a second with after_s, and asks for include=readings with it', async () => {
    const { db } = get();
    await seed(db);
    api = await apiHarness(db);
    const [ride] = await db.query<{ id: number; n: number; last: number }>(
      `SELECT ride_id AS id, reading_count AS n,
              (SELECT max(elapsed_s) FROM readings x WHERE x.ride_id = r.ride_id) AS last
       FROM rides r ORDER BY ride_id LIMIT 1`,
    );
    expect(ride!.n).toBeGreaterThan(200);
    const url = `/api/rides/${ride!.id}?include=readings`;
    const full = expectBody(await api.call('GET', url, api.viewer), 200, RideDetail);
    expect(full.readings).toHaveLength(ride!.n);
    const later = expectBody(
      await api.call('GET', `${url}&after_s=100`, api.viewer),
      200,
      RideDetail,
    );
    expect(later.readings).toEqual(full.readings!.filter((r) => r.elapsed_s > 100));
    expect(later.readings!.length).toBeGreaterThan(50);
    expect(later.readings!.length).toBeLessThan(ride!.n);
    // The ride itself is the same, whatever readings come with it.
    const { readings: _a, ...rest } = later;
    const { readings: _b, ...fullRest } = full;
    expect(rest).toEqual(fullRest);
    expect(
      expectBody(
        await api.call('GET', `${url}&after_s=${ride!.last - 1}`, api.viewer),
        200,
        RideDetail,
      ).readings!.map((r) => r.elapsed_s),
    ).toEqual([ride!.last]);
    expect(
      expectBody(await api.call('GET', `${url}&after_s=${ride!.last}`, api.viewer), 200, RideDetail)
        .readings,
    ).toEqual([]);
    expect(
      (await api.call('GET', `/ride/${ride!.id}?include=readings&after_s=100`, api.viewer)).json(),
    ).toEqual(later);
    for (const [bad, message] of [
      [`/api/rides/${ride!.id}?after_s=100`, /^after_s: .*include=readings/],
      [`${url}&after_s=-1`, /^after_s: must be a whole number/],
      [`${url}&after_s=1.5`, /^after_s: must be a whole number/],
      [`${url}&after_s=`, /^after_s: must be a whole number/],
    ] as const) {
      const res = await api.call('GET', bad, api.viewer);
      expect(expectBody(res, 400, ErrorResponse).error.message, bad).toMatch(message);
    }
  });
});
