// The BI schema (issue 11) on a year of a 1,000-bike fleet: about 3.65 million rides and 100,000
// riders generated straight into the tables on PostgreSQL (no readings: they do not enter these
// queries). Measures the full recompute of the daily figures, then the queries an analyst's tool
// sends, warm, each run several times. Target: a monthly aggregate by gender and age band, and a
// day's drill-down, in at most 1 s.
import { loadavg } from 'node:os';
import pg from 'pg';
import { syncAnalyticsTimeZone } from '../src/store/analytics-definitions.js';
import { refreshAnalytics } from '../src/store/analytics-refresh.repository.js';
import { migrate } from '../src/store/migrate.js';
import { openPgDb } from '../src/store/pg-db.js';
import { numberArg } from './support/args.js';
import { log } from './support/log.js';
import { round, runBench, type Json } from './support/output.js';
import { checkpoint, countRows, createBenchDatabase } from './support/pg.js';
import { percentile } from './support/stats.js';
import { TARGETS } from './support/targets.js';

const BIKES = numberArg('bikes', 1_000);
const RIDES_PER_BIKE_DAY = numberArg('rides-per-day', 10);
const DAYS = numberArg('days', 365);
const RIDERS = numberArg('riders', 100_000);
const RUNS = numberArg('runs', 5);
const FIRST_DAY = '2025-12-01';
const DRILL_DAY = '2026-06-17';
const TIME_ZONE = 'Europe/London';
const TARGET_MS = TARGETS.bi.queryMs;

/** One calendar month of rides per statement, spread from 06:00 to 22:00 local time. */
function ridesSql(fromDay: number, toDay: number): string {
  const perDay = BIKES * RIDES_PER_BIKE_DAY;
  return `
  INSERT INTO rides (rider_id, bike_serial, bike_key, started_at, ended_at, heard_at, duration_s,
    reading_count, avg_heart_rate, min_heart_rate, max_heart_rate, avg_rpm, avg_resistance,
    avg_power_w, max_power_w, energy_kj, rider_age, personal_max_bpm, seconds_above_max)
  SELECT 1 + (g * 2654435761) % ${RIDERS}, 'SN' || lpad((g % ${BIKES})::text, 5, '0'),
    'bike-' || (g % ${BIKES}), s.at, s.at + d.dur * interval '1 second', s.at + d.dur * interval '1 second',
    d.dur, d.dur, 110 + (g * 13) % 50, 70, 140 + (g * 17) % 60, 60 + (g % 30), 30 + (g % 40),
    80 + (g * 31) % 200, 250 + (g * 7) % 300, d.dur * (80 + (g * 31) % 200) / 1000.0,
    16 + (g * 2654435761) % ${RIDERS} % 70, 170 + (g % 25), CASE WHEN g % 40 = 0 THEN 30 + g % 90 ELSE 0 END
  FROM generate_series(${fromDay * perDay}::bigint, ${toDay * perDay - 1}::bigint) g,
    LATERAL (SELECT 900 + (g * 7919) % 2700 AS dur) d,
    LATERAL (SELECT ((date '${FIRST_DAY}' + (g / ${perDay})::int)::timestamp + interval '6 hours'
      + ((g / ${BIKES}) % ${RIDES_PER_BIKE_DAY}) * interval '96 minutes'
      + (g % 37) * interval '1 minute') AT TIME ZONE '${TIME_ZONE}' AS at) s`;
}

const RIDERS_SQL = `
  INSERT INTO riders (rider_id, first_name, last_name, gender, birth_date, height_cm, weight_kg,
    email, account_created, original_source)
  SELECT i, 'First' || i, 'Last' || i,
    (ARRAY['female', 'male', 'female', 'male', 'other', 'unknown'])[1 + i % 6],
    date '1950-01-01' + (i * 7919 % 20000), 150 + i % 50, 50 + i % 60,
    'rider' || i || '@example.com', date '2020-01-01' + i % 2000, 'web'
  FROM generate_series(1, ${RIDERS}) i`;

const ALERTS_SQL = `
  INSERT INTO alerts (ride_id, rider_id, kind, readings, limit_bpm, detected_at, elapsed_s, state)
  SELECT ride_id, rider_id, 'high', '[]', personal_max_bpm, started_at + interval '5 minutes', 300, 'sent'
  FROM rides WHERE ride_id % 50 = 0`;

/** The queries an analyst's tool sends, by name. */
const QUERIES: Record<string, string> = {
  // The ready-made insight, as Tableau asks for it with the date dimension related.
  monthlyByGenderAgeBand: `
    SELECT d.month_start, m.gender, m.age_band, sum(m.rides) AS rides,
      sum(m.ride_time_hours) AS hours, sum(m.energy_kj) AS energy_kj
    FROM analytics.demographics m JOIN analytics.dates d ON d.day = m.day
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
  // The same from the ride-level view: what a tool does when pointed at rides alone.
  monthlyByGenderAgeBandFromRides: `
    SELECT date_trunc('month', day) AS month, gender, age_band, count(*) AS rides,
      sum(duration_min) / 60 AS hours, sum(energy_kj) AS energy_kj
    FROM analytics.rides GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
  oneMonthByGenderAgeBandFromRides: `
    SELECT gender, age_band, count(*) AS rides, sum(duration_min) / 60 AS hours,
      sum(energy_kj) AS energy_kj, avg(avg_heart_rate) AS avg_heart_rate
    FROM analytics.rides WHERE day >= date '2026-06-01' AND day < date '2026-07-01'
    GROUP BY 1, 2 ORDER BY 1, 2`,
  dayDrillDown: `
    SELECT hour, gender, age_band, count(*) AS rides, avg(duration_min) AS avg_min,
      sum(energy_kj) AS energy_kj, sum(alerts) AS alerts
    FROM analytics.rides WHERE day = date '${DRILL_DAY}' GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
  dayRideRows: `SELECT * FROM analytics.rides WHERE day = date '${DRILL_DAY}'`,
  dailySummaryYear: 'SELECT * FROM analytics.daily_summary ORDER BY day',
  hourlyActivityYear: `
    SELECT hour, sum(rides) AS rides FROM analytics.hourly_activity GROUP BY 1 ORDER BY 1`,
  riderLookup: 'SELECT * FROM analytics.riders WHERE rider_id = 4242',
  allRiders: 'SELECT * FROM analytics.riders',
};

async function timeQuery(c: pg.Client, text: string): Promise<{ ms: number[]; rows: number }> {
  let rows = 0;
  const ms: number[] = [];
  // One warm-up run: a live BI connection queries a warm server.
  for (let i = 0; i <= RUNS; i++) {
    const t = performance.now();
    const res = await c.query(text);
    if (i > 0) ms.push(performance.now() - t);
    rows = res.rowCount ?? res.rows.length;
  }
  return { ms, rows };
}

await runBench('bi', async () => {
  log(
    `load before: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const url = await createBenchDatabase('bi');
  const db = openPgDb(url);
  const figures: { [key: string]: Json } = {};
  try {
    await migrate(db);
    await syncAnalyticsTimeZone(db, TIME_ZONE);
    const genStart = performance.now();
    await db.query(RIDERS_SQL);
    for (let from = 0; from < DAYS; from += 31) {
      const to = Math.min(DAYS, from + 31);
      await db.query(ridesSql(from, to));
      log(`rides: days ${to} of ${DAYS} (${Math.round((performance.now() - genStart) / 1000)} s)`);
    }
    await db.query(ALERTS_SQL);
    await db.query('ANALYZE');
    figures.generateS = round((performance.now() - genStart) / 1000);
    await checkpoint();

    const t = performance.now();
    const r = await refreshAnalytics(db);
    figures.fullRecomputeS = round((performance.now() - t) / 1000);
    figures.daysRecomputed = r.kind === 'refreshed' ? r.days : 0;
    log(
      `daily figures of ${String(figures.daysRecomputed)} days in ${String(figures.fullRecomputeS)} s`,
    );
    await db.query('ANALYZE');

    // One day changed (a ride ends, a rider is erased): what every refresh pays. Vacuumed first,
    // as autovacuum soon would: the load left millions of dead change rows behind.
    await db.query('VACUUM ANALYZE analytics_changes');
    const oneDay: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await db.query(`INSERT INTO analytics_changes (day) VALUES ('${DRILL_DAY}')`);
      const d = performance.now();
      await refreshAnalytics(db);
      oneDay.push(performance.now() - d);
    }
    oneDay.sort((a, b) => a - b);
    figures.oneDayRecomputeMs = round(percentile(oneDay, 50));
  } finally {
    await db.close();
  }
  const counts = await countRows(url, {
    rides: 'SELECT count(*) AS n FROM rides',
    riders: 'SELECT count(*) AS n FROM riders',
    alerts: 'SELECT count(*) AS n FROM alerts',
  });
  log(`stored ${JSON.stringify(counts)}`);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const queries: { [key: string]: Json } = {};
  try {
    for (const [name, text] of Object.entries(QUERIES)) {
      const { ms, rows } = await timeQuery(c, text);
      ms.sort((a, b) => a - b);
      queries[name] = { medianMs: round(percentile(ms, 50)), maxMs: round(Math.max(...ms)), rows };
      log(`${name}: median ${round(percentile(ms, 50))} ms, ${rows} rows`);
    }
  } finally {
    await c.end();
  }
  const target = (name: string): boolean =>
    ((queries[name] as { maxMs: number }).maxMs ?? Infinity) <= TARGET_MS;
  return {
    ...counts,
    ...figures,
    queries,
    targetMs: TARGET_MS,
    meetsTarget: target('monthlyByGenderAgeBand') && target('dayDrillDown'),
    loadAfter: round(loadavg()[0] ?? 0),
  };
});
