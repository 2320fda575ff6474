import { expect, it } from 'vitest';
import { AGE_BANDS, ageBandOf } from '../src/domain/age.js';
import { HEART_RATE_ZONES, zoneOf } from '../src/domain/heart-rate-zones.js';
import { syncAnalyticsTimeZone } from '../src/store/analytics-definitions.js';
import { analyticsBacklog, refreshAnalytics } from '../src/store/analytics-refresh.repository.js';
import { periodTotals } from '../src/store/day-totals.repository.js';
import type { Db } from '../src/store/db.js';
import { deleteRide } from '../src/store/rides.repository.js';
import { eraseRider } from '../src/store/riders.repository.js';
import {
  bandLabel,
  baseRides,
  expectedRiders,
  groupBy,
  localDayHour,
  type GroupExpect,
} from './support/analytics-expect.js';
import { describeEachDb } from './support/databases.js';
import {
  REPORT_DAY,
  REPORT_DAY_FROM,
  REPORT_DAY_UNTIL,
  seedReportDays,
} from './support/report-day.js';

type Row = Record<string, unknown>;

function expectFigures(got: Row | undefined, want: GroupExpect, what: string): void {
  expect(got, what).toBeDefined();
  for (const k of ['rides', 'riders', 'alerts'] as const)
    expect(got![k], `${what} ${k}`).toBe(want[k]);
  for (const k of ['ride_time_s', 'energy_kj', 'seconds_above_max'] as const)
    expect(got![k] as number, `${what} ${k}`).toBeCloseTo(want[k], 6);
  for (const k of ['avg_heart_rate', 'avg_power_w'] as const) {
    if (want[k] === null) expect(got![k], `${what} ${k}`).toBeNull();
    else expect(got![k] as number, `${what} ${k}`).toBeCloseTo(want[k], 6);
  }
}

/** Every analytics view against the same figures computed here from the base tables. */
async function expectViewsMatchTables(db: Db, timeZone: string): Promise<void> {
  const rides = await baseRides(db);
  const at = (r: (typeof rides)[number]) => localDayHour(r.started_at, timeZone);

  const viewRides = await db.query<Row>('SELECT * FROM analytics.rides ORDER BY ride_id');
  expect(viewRides.map((r) => r.ride_id)).toEqual(rides.map((r) => r.ride_id));
  rides.forEach((r, i) => {
    const v = viewRides[i]!;
    expect(v).toMatchObject({
      day: at(r).day,
      hour: at(r).hour,
      rider_id: r.rider_id,
      bike_serial: r.bike_serial,
      gender: r.gender ?? 'unknown',
      age_band: bandLabel(r.rider_age),
      age: r.rider_age,
      duration_s: r.duration_s,
      reading_count: r.reading_count,
      seconds_above_max: r.seconds_above_max,
      alerts: r.alerts,
      in_progress: r.ended_at === null,
    });
    expect(v.energy_kj as number).toBeCloseTo(r.energy_kj, 9);
  });

  const days = groupBy(rides, (r) => at(r).day);
  const summary = await db.query<Row>('SELECT * FROM analytics.daily_summary ORDER BY day');
  const withRides = summary.filter((s) => (s.rides as number) > 0);
  expect(withRides.map((s) => s.day)).toEqual([...days.keys()].sort());
  for (const [day, want] of days)
    expectFigures(
      summary.find((s) => s.day === day),
      want,
      `daily_summary ${day}`,
    );
  // Contiguous: the days between have zeros, and the date dimension has every one of them.
  const dates = await db.query<{ day: string; is_weekend: boolean; weekday: number }>(
    'SELECT day, is_weekend, weekday FROM analytics.dates ORDER BY day',
  );
  expect(dates.map((d) => d.day)).toEqual(summary.map((s) => s.day));
  for (const d of dates) {
    const dow = new Date(`${d.day}T12:00:00Z`).getUTCDay();
    expect(d.weekday).toBe(dow === 0 ? 7 : dow);
    expect(d.is_weekend).toBe(dow === 0 || dow === 6);
  }

  const hours = groupBy(rides, (r) => `${at(r).day} ${at(r).hour}`);
  const hourly = await db.query<Row>('SELECT * FROM analytics.hourly_activity');
  expect(hourly).toHaveLength(hours.size);
  for (const [key, want] of hours)
    expectFigures(
      hourly.find((h) => `${h.day as string} ${h.hour as number}` === key),
      want,
      `hourly ${key}`,
    );

  const demo = groupBy(
    rides,
    (r) => `${at(r).day} ${r.gender ?? 'unknown'} ${bandLabel(r.rider_age)}`,
  );
  const demographics = await db.query<Row>('SELECT * FROM analytics.demographics');
  expect(demographics).toHaveLength(demo.size);
  for (const [key, want] of demo)
    expectFigures(
      demographics.find(
        (d) => `${d.day as string} ${d.gender as string} ${d.age_band as string}` === key,
      ),
      want,
      `demographics ${key}`,
    );

  const riders = await expectedRiders(db, rides, Date.now());
  const viewRiders = await db.query<Row>('SELECT * FROM analytics.riders');
  expect(viewRiders.map((r) => r.rider_id).sort()).toEqual([...riders.keys()].sort());
  for (const v of viewRiders) {
    const want = riders.get(v.rider_id as number)!;
    const { first_ride_ms, last_ride_ms, ...plain } = want;
    expect(v).toMatchObject(plain);
    expect((v.first_ride_at as Date | null)?.getTime() ?? null).toBe(first_ride_ms);
    expect((v.last_ride_at as Date | null)?.getTime() ?? null).toBe(last_ride_ms);
    for (const personal of ['first_name', 'last_name', 'email', 'birth_date', 'postcode', 'city'])
      expect(v).not.toHaveProperty(personal);
  }

  const readings = await db.query<{
    hr: number | null;
    max: number | null;
    zone: number | null;
    n: number;
  }>(
    `SELECT g.heart_rate AS hr, r.personal_max_bpm AS max, v.heart_rate_zone_order AS zone,
       count(*)::int AS n
     FROM analytics.readings v JOIN readings g USING (ride_id, elapsed_s) JOIN rides r USING (ride_id)
     GROUP BY 1, 2, 3`,
  );
  const [counts] = await db.query<{ view: number; base: number }>(
    'SELECT (SELECT count(*) FROM analytics.readings)::int AS view, (SELECT count(*) FROM readings)::int AS base',
  );
  expect(counts!.view).toBe(counts!.base);
  for (const g of readings) {
    const z = zoneOf(g.hr, g.max);
    expect(g.zone, `zone of ${g.hr} of ${g.max}`).toBe(z ? HEART_RATE_ZONES.indexOf(z) : null);
  }
}

async function refreshed(db: Db): Promise<void> {
  expect(await refreshAnalytics(db)).toMatchObject({ kind: 'refreshed' });
  expect(await analyticsBacklog(db)).toBe(0);
  expect(await refreshAnalytics(db)).toEqual({ kind: 'idle' });
}

describeEachDb('analytics schema', (get) => {
  it('holds the same figures as the base tables, in the display time zone, and after a change of zone', async () => {
    const { db } = get();
    await syncAnalyticsTimeZone(db, 'Europe/London');
    await seedReportDays(db);
    expect(await analyticsBacklog(db)).toBeGreaterThan(0);
    await refreshed(db);
    await expectViewsMatchTables(db, 'Europe/London');

    // The daily report's headline figures are the same numbers.
    const [day] = await db.query<Row>('SELECT * FROM analytics.daily_summary WHERE day = $1', [
      REPORT_DAY,
    ]);
    const totals = await periodTotals(db, REPORT_DAY_FROM, REPORT_DAY_UNTIL);
    expect(day).toMatchObject({
      rides: totals.rideCount,
      riders: totals.riders,
      alerts: totals.alerts,
    });
    expect(day!.energy_kj as number).toBeCloseTo(totals.totalEnergyKj, 6);
    expect(day!.avg_heart_rate as number).toBeCloseTo(totals.avgHeartRate!, 9);

    expect(await syncAnalyticsTimeZone(db, 'America/New_York')).toBe(true);
    await refreshed(db);
    await expectViewsMatchTables(db, 'America/New_York');
  });

  it('follows deleted rides and erased riders: the erased vanish from every view', async () => {
    const { db } = get();
    await syncAnalyticsTimeZone(db, 'Europe/London');
    await seedReportDays(db);
    await refreshed(db);
    const [ride] = await db.query<{ ride_id: number }>(
      'SELECT ride_id FROM rides WHERE ended_at IS NOT NULL ORDER BY energy_kj DESC LIMIT 1',
    );
    expect(await db.transaction((tx) => deleteRide(tx, ride!.ride_id, 0))).toMatchObject({
      kind: 'deleted',
    });
    const [alerted] = await db.query<{ rider_id: number }>(
      'SELECT r.rider_id FROM alerts a JOIN rides r USING (ride_id) GROUP BY 1 ORDER BY count(*) DESC LIMIT 1',
    );
    const riderId = alerted!.rider_id;
    expect(await db.transaction((tx) => eraseRider(tx, riderId, 'test'))).not.toBeNull();
    await refreshed(db);
    await expectViewsMatchTables(db, 'Europe/London');
    for (const view of ['rides', 'riders', 'readings'])
      expect(
        await db.query(`SELECT 1 FROM analytics.${view} WHERE rider_id = $1`, [riderId]),
        view,
      ).toEqual([]);
    expect(
      await db.query('SELECT 1 FROM analytics.rides WHERE ride_id = $1', [ride!.ride_id]),
    ).toEqual([]);
  });

  it('bands ages and zones heart rates exactly as the domain does, for every value', async () => {
    const { db } = get();
    const bands = await db.query<{ age: number; band: number | null }>(
      'SELECT a AS age, analytics.age_band_order(a) AS band FROM generate_series(-1, 130) a',
    );
    for (const b of bands) {
      const want = ageBandOf(b.age);
      expect(b.band, `age ${b.age}`).toBe(want ? AGE_BANDS.indexOf(want) : null);
    }
    const zones = await db.query<{ bpm: number; max: number; zone: number | null }>(
      `SELECT bpm, mx AS max, analytics.heart_rate_zone_order(bpm, mx) AS zone
       FROM generate_series(-1, 260) bpm, (SELECT unnest(ARRAY[0, 1, 97, 150, 163, 171, 188, 200, 220]) AS mx) m`,
    );
    for (const z of zones) {
      const want = zoneOf(z.bpm, z.max);
      expect(z.zone, `${z.bpm} of ${z.max}`).toBe(want ? HEART_RATE_ZONES.indexOf(want) : null);
    }
    const labels = await db.query<{ label: string }>(
      'SELECT label FROM analytics.heart_rate_zones ORDER BY zone_order',
    );
    expect(labels.map((l) => l.label)).toEqual(HEART_RATE_ZONES.map((z) => z.label));
  });
});
