// GET /api/activity, the dashboard's "Recent rides": the window's totals, split by gender and age
// band and charted over time, each adding up to the totals, on PGlite and PostgreSQL.
import { afterEach, expect, it } from 'vitest';
import type { z } from 'zod';
import { AGE_BANDS, ageBandOf } from '../src/domain/age.js';
import { Activity, Daily, ErrorResponse } from '../src/api/schemas.js';
import { ageBandIndex } from '../src/store/age-band-sql.js';
import type { Db } from '../src/store/db.js';
import { run, sql } from '../src/store/sql.js';
import { apiHarness, expectBody, type ApiHarness } from './support/api.js';
import { seed } from './support/api-seed.js';
import { describeEachDb } from './support/databases.js';

type ActivityBody = z.output<typeof Activity>;

const MIN = 60_000;
const HOUR = 60 * MIN;
// Not on a bucket boundary: the first bucket starts before the window.
const NOW = Date.UTC(2022, 6, 10, 12, 7, 30);

interface RideSpec {
  atMs: number;
  /** null: a ride whose rider row is missing. */
  gender: 'female' | 'male' | 'other' | null;
  age: number | null;
  durationS?: number;
  energyKj?: number;
  avgPowerW?: number | null;
  readings?: number;
}

let serial = 0;
/** Stores a ride (and its rider) directly, with the summary figures given. */
async function addRide(db: Db, r: RideSpec): Promise<void> {
  serial++;
  if (r.gender !== null)
    await db.query(
      `INSERT INTO riders (rider_id, first_name, last_name, gender) VALUES ($1, 'A', 'B', $2)`,
      [serial, r.gender],
    );
  await db.query(
    `INSERT INTO rides (rider_id, bike_serial, bike_key, started_at, ended_at, duration_s,
                        reading_count, avg_power_w, energy_kj, rider_age)
     VALUES ($1, $2, $2, $3, $3, $4, $5, $6, $7, $8)`,
    [
      serial,
      `SN${serial}`,
      new Date(r.atMs).toISOString(),
      r.durationS ?? 600,
      r.readings ?? 600,
      r.avgPowerW === undefined ? 150 : r.avgPowerW,
      r.energyKj ?? 90,
      r.age,
    ],
  );
}

/** The window's rides as stored, to recompute every figure here without the API's SQL. */
async function ridesIn(db: Db, body: ActivityBody) {
  return db.query<{
    at: Date;
    gender: string;
    rider_age: number | null;
    duration_s: number;
    energy_kj: number;
    avg_power_w: number | null;
    reading_count: number;
  }>(
    `SELECT r.started_at AS at, coalesce(p.gender, 'unknown') AS gender, r.rider_age,
            r.duration_s, r.energy_kj, r.avg_power_w, r.reading_count
     FROM rides r LEFT JOIN riders p USING (rider_id)
     WHERE r.started_at >= $1 AND r.started_at < $2`,
    [body.from, body.until],
  );
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** Checks every figure of an answer against the stored rides, and against its own totals. */
async function expectConsistent(db: Db, body: ActivityBody): Promise<void> {
  const rows = await ridesIn(db, body);
  const t = body.totals;
  expect(t.ride_count).toBe(rows.length);
  expect(t.total_duration_s).toBe(sum(rows.map((r) => r.duration_s)));
  // The splits add up to the totals.
  for (const split of [body.by_gender, body.by_age_band]) {
    expect(sum(split.map((g) => g.ride_count))).toBe(t.ride_count);
    expect(sum(split.map((g) => g.duration_s))).toBe(t.total_duration_s);
  }
  expect(body.by_gender.map((g) => g.gender)).toEqual(['female', 'male', 'other', 'unknown']);
  expect(body.by_age_band.map((b) => b.band)).toEqual([
    ...AGE_BANDS.map((b) => b.label),
    'unknown',
  ]);
  for (const g of body.by_gender) {
    const mine = rows.filter((r) => r.gender === g.gender);
    expect({ g }).toEqual({
      g: {
        gender: g.gender,
        ride_count: mine.length,
        duration_s: sum(mine.map((r) => r.duration_s)),
      },
    });
  }
  // Bands by the domain's own function, not the SQL generated from it.
  for (const b of body.by_age_band) {
    const mine = rows.filter((r) => (ageBandOf(r.rider_age)?.label ?? 'unknown') === b.band);
    expect({ b }).toEqual({
      b: { band: b.band, ride_count: mine.length, duration_s: sum(mine.map((r) => r.duration_s)) },
    });
  }
  // Buckets: consecutive, covering [from, until), each with the rides that started in it.
  const { bucket_s, points } = body.power_over_time;
  const bucketMs = bucket_s * 1000;
  const from = Date.parse(body.from);
  const until = Date.parse(body.until);
  const first = Date.parse(points[0]!.at);
  const last = Date.parse(points[points.length - 1]!.at);
  expect(first).toBeLessThanOrEqual(from);
  expect(first + bucketMs).toBeGreaterThan(from);
  expect(last).toBeLessThan(until);
  expect(last + bucketMs).toBeGreaterThanOrEqual(until);
  points.forEach((p, i) => expect(Date.parse(p.at)).toBe(first + i * bucketMs));
  for (const p of points) {
    const at = Date.parse(p.at);
    const mine = rows.filter((r) => r.at.getTime() >= at && r.at.getTime() < at + bucketMs);
    // Rounded for display to 0.01 kJ and 0.1 W.
    expect(Math.abs(p.energy_kj - sum(mine.map((r) => r.energy_kj)))).toBeLessThanOrEqual(0.00501);
    const powered = mine.filter((r) => r.avg_power_w !== null);
    const n = sum(powered.map((r) => r.reading_count));
    if (n === 0) expect(p.avg_power_w).toBeNull();
    else {
      const weighted = sum(powered.map((r) => r.avg_power_w! * r.reading_count)) / n;
      expect(Math.abs(p.avg_power_w! - weighted)).toBeLessThanOrEqual(0.0501);
    }
  }
  // Each bucket is rounded to 0.01 kJ, the total once.
  expect(
    Math.abs(sum(points.map((p) => p.energy_kj)) - (t.total_energy_kj ?? 0)),
  ).toBeLessThanOrEqual(0.005 * (points.length + 1));
}

describeEachDb('recent activity', (get) => {
  let api: ApiHarness | undefined;
  afterEach(async () => api?.close());
  const activity = async (range: string, key = api!.viewer) =>
    expectBody(await api!.call('GET', `/api/activity?range=${range}`, key), 200, Activity);

  it('counts the day as /api/daily does, with every split and bucket adding up to its totals', async () => {
    const { db } = get();
    await seed(db);
    // The end of 7 July in London: the last 24 hours are that calendar day.
    api = await apiHarness(db, { now: () => Date.UTC(2022, 6, 7, 23) });
    const day = expectBody(
      await api.call('GET', '/api/daily?date=2022-07-07', api.viewer),
      200,
      Daily,
    );
    const body = await activity('24h');
    expect([body.from, body.until]).toEqual([day.from, day.until]);
    expect(body.totals).toEqual(day.totals);
    expect(body.totals.ride_count).toBeGreaterThan(5);
    expect(body.time_zone).toBe('Europe/London');
    expect(body.power_over_time.points).toHaveLength(24);
    await expectConsistent(db, body);
    expect(body.last_ride_at).toBe(
      [...day.rides].sort((a, b) => a.started_at.localeCompare(b.started_at)).pop()!.started_at,
    );
  });

  it('agrees with itself in every range over the seeded rides, and skips the empty buckets', async () => {
    const { db } = get();
    await seed(db);
    // Half an hour into the seeded rides, which began at 22:50 UTC on 6 July.
    api = await apiHarness(db, { now: () => Date.UTC(2022, 6, 6, 23, 20, 15) });
    for (const range of ['1h', '6h', '12h', '24h', '7d']) {
      const body = await activity(range);
      expect(body.range).toBe(range);
      expect(body.totals.ride_count).toBeGreaterThan(0);
      await expectConsistent(db, body);
      // The seeded rides began at 22:50: the buckets before hold nothing.
      expect(body.power_over_time.points[0]).toMatchObject({ energy_kj: 0, avg_power_w: null });
    }
  });

  it('takes the rides started in the range, bands them by the age at the start, and names the last', async () => {
    const { db } = get();
    api = await apiHarness(db, { now: () => NOW });
    const rides: [string, RideSpec][] = [
      ['A', { atMs: NOW - 30 * MIN, gender: 'female', age: 16 }],
      ['B', { atMs: NOW - HOUR, gender: 'male', age: 70 }], // the 1h window's first instant
      ['C', { atMs: NOW - 2 * HOUR, gender: 'other', age: 30 }],
      ['D', { atMs: NOW - 6 * HOUR, gender: 'female', age: 18 }],
      ['E', { atMs: NOW - 10 * HOUR, gender: null, age: null, avgPowerW: null }],
      ['F', { atMs: NOW - 20 * HOUR, gender: 'male', age: 65 }],
      ['G', { atMs: NOW - 3 * 24 * HOUR, gender: 'female', age: 17 }],
      ['H', { atMs: NOW - 8 * 24 * HOUR, gender: 'male', age: 40 }],
      ['I', { atMs: NOW, gender: 'male', age: 40 }], // the window's end is not in it
      ['J', { atMs: NOW + HOUR, gender: 'male', age: 40 }], // a bike whose clock runs ahead
    ];
    for (const [, r] of rides) await addRide(db, r);
    const want: Record<string, { count: number; under18: number; over65: number }> = {
      '1h': { count: 2, under18: 1, over65: 1 },
      '6h': { count: 4, under18: 1, over65: 1 },
      '12h': { count: 5, under18: 1, over65: 1 },
      '24h': { count: 6, under18: 1, over65: 2 },
      '7d': { count: 7, under18: 2, over65: 2 },
    };
    for (const [range, w] of Object.entries(want)) {
      const body = await activity(range);
      const band = (label: string) => body.by_age_band.find((b) => b.band === label)!.ride_count;
      expect({
        range,
        count: body.totals.ride_count,
        under18: band('under 18'),
        over65: band('65+'),
      }).toEqual({ range, ...w });
      expect(body.last_ride_at).toBe(new Date(NOW - 30 * MIN).toISOString());
      expect(body.until).toBe(new Date(NOW).toISOString());
      await expectConsistent(db, body);
    }
    const week = await activity('7d');
    expect(week.by_age_band.find((b) => b.band === '18-24')!.ride_count).toBe(1);
    expect(week.by_age_band.find((b) => b.band === 'unknown')!.ride_count).toBe(1);
    expect(week.by_gender.map((g) => g.ride_count)).toEqual([3, 2, 1, 1]);
    // 7 days in 6-hour buckets aligned on London's 00:00, 06:00, ... (UTC+1 in July).
    expect(week.power_over_time.bucket_s).toBe(21_600);
    expect(week.power_over_time.points[0]!.at).toBe('2022-07-03T11:00:00.000Z');
    const hour = await activity('1h');
    expect(hour.power_over_time.bucket_s).toBe(300);
    expect(hour.power_over_time.points).toHaveLength(13);
  });

  it('answers an empty window with zeros, every bucket, and the last ride before it', async () => {
    const { db } = get();
    api = await apiHarness(db, { now: () => Date.UTC(2022, 6, 10, 12) });
    const nothing = await activity('24h');
    expect(nothing.last_ride_at).toBeNull();
    expect(nothing.totals.ride_count).toBe(0);
    expect(nothing.power_over_time.points).toHaveLength(24);
    await addRide(db, { atMs: NOW - 3 * HOUR, gender: 'female', age: 30 });
    const body = await activity('1h');
    expect(body.totals).toEqual({
      ride_count: 0,
      riders: 0,
      total_duration_s: 0,
      total_energy_kj: 0,
      avg_heart_rate: null,
      avg_power_w: null,
      alerts: 0,
      seconds_above_max: 0,
    });
    expect(body.by_gender.every((g) => g.ride_count === 0 && g.duration_s === 0)).toBe(true);
    expect(body.by_age_band).toHaveLength(AGE_BANDS.length + 1);
    expect(body.by_age_band.every((g) => g.ride_count === 0 && g.duration_s === 0)).toBe(true);
    // Now is on a 5-minute boundary: twelve buckets, from 11:00 to 11:55.
    expect(body.power_over_time.points).toEqual(
      Array.from({ length: 12 }, (_, i) => ({
        at: new Date(Date.UTC(2022, 6, 10, 11, 5 * i)).toISOString(),
        energy_kj: 0,
        avg_power_w: null,
      })),
    );
    expect(body.last_ride_at).toBe(new Date(NOW - 3 * HOUR).toISOString());
    expect((await activity('6h')).totals.ride_count).toBe(1);
  });

  it('defaults to 12 hours, refuses other ranges clearly, and serves viewers and admins alike', async () => {
    const { db } = get();
    await seed(db);
    api = await apiHarness(db, { now: () => Date.UTC(2022, 6, 7, 8) });
    const dflt = expectBody(await api.call('GET', '/api/activity', api.viewer), 200, Activity);
    expect(dflt.range).toBe('12h');
    expect(dflt.power_over_time.bucket_s).toBe(1800);
    expect(dflt).toEqual(await activity('12h', api.admin));
    for (const [url, message] of [
      ['/api/activity?range=2h', /^range: must be one of 1h, 6h, 12h, 24h, 7d$/],
      ['/api/activity?range=12H', /^range: must be one of/],
      ['/api/activity?range=', /^range: must be one of/],
      ['/api/activity?range=1h&range=6h', /^range: must be one of/],
      ['/api/activity?window=1h', /unknown parameter "window"/],
    ] as const) {
      const res = await api.call('GET', url, api.viewer);
      expect(expectBody(res, 400, ErrorResponse).error.message, url).toMatch(message);
    }
    expect((await api.call('GET', '/api/activity', null)).statusCode).toBe(401);
  });

  it('keeps an answer for 2 s per range, then counts afresh', async () => {
    const { db } = get();
    let now = NOW;
    api = await apiHarness(db, { now: () => now });
    await addRide(db, { atMs: NOW - 10 * MIN, gender: 'male', age: 50 });
    expect((await activity('1h')).totals.ride_count).toBe(1);
    await addRide(db, { atMs: NOW - 5 * MIN, gender: 'male', age: 50 });
    now += 1_999;
    expect((await activity('1h')).totals.ride_count).toBe(1);
    // Each range is kept on its own.
    expect((await activity('6h')).totals.ride_count).toBe(2);
    now += 1;
    const fresh = await activity('1h');
    expect(fresh.totals.ride_count).toBe(2);
    expect(fresh.until).toBe(new Date(now).toISOString());
  });

  it('bands every age in SQL exactly as the domain does', async () => {
    const rows = await run<{ age: number; band: number | null }>(
      get().db,
      sql`SELECT a AS age, ${ageBandIndex('a')} AS band FROM generate_series(-3, 130) AS g(a)`,
    );
    expect(rows).toHaveLength(134);
    for (const { age, band } of rows) {
      const b = ageBandOf(age);
      expect({ age, band }).toEqual({ age, band: b === null ? null : AGE_BANDS.indexOf(b) });
    }
    expect(
      (
        await run<{ band: number | null }>(
          get().db,
          sql`SELECT ${ageBandIndex('NULL::int')} AS band`,
        )
      )[0],
    ).toEqual({ band: null });
  });
});
