// Readings partitioned by month (migration 015): an existing database's readings move whole and
// the API answers as before; retention drops old months while rides and summaries stay.
import { describe, expect, it } from 'vitest';
import { maintainReadings } from '../src/app/readings-maintenance.js';
import type { Db } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';
import {
  ensureReadingsPartition,
  listReadingsPartitions,
} from '../src/store/readings-partitions.repository.js';
import { apiHarness } from './support/api.js';
import { SEED } from './support/api-seed.js';
import { describeEachDb, openTestDb, type DbKind } from './support/databases.js';
import { FIRST_1000, ingestFile, tempFile } from './support/ingest.js';
import { simFileFeed } from './support/sim-feed.js';

const DAY_MS = 86_400_000;
// Rides that start before midnight UTC on the last day of August: they run into September, and
// their readings stay with their start's month.
const MONTH_END = simFileFeed({
  bikes: 2,
  ridesPerBike: 1,
  seed: 11,
  startMs: Date.UTC(2022, 7, 31, 23, 50),
  rideSeconds: [900, 1_000],
});

/** Ingests real fixtures and simulated rides over three months. */
async function ingestMonths(db: Db): Promise<void> {
  await ingestFile(db, FIRST_1000);
  await ingestFile(db, tempFile(SEED.lines), { maxBatch: 2_000 });
  await ingestFile(db, tempFile(MONTH_END.lines), { maxBatch: 2_000 });
}

// Puts `readings` back as migrations 001-014 left it (one table, keyed by ride and second), rows
// and all: the database an operator upgrades, holding what ingest stored.
const BACK_TO_014 = `
CREATE TABLE readings_014 (
  ride_id     bigint NOT NULL,
  elapsed_s   integer NOT NULL,
  recorded_at timestamptz NOT NULL,
  heart_rate  integer,
  rpm         integer,
  resistance  integer,
  power_w     double precision,
  PRIMARY KEY (ride_id, elapsed_s)
);
INSERT INTO readings_014
SELECT ride_id, elapsed_s, recorded_at, heart_rate, rpm, resistance, power_w FROM readings;
CREATE OR REPLACE VIEW analytics.readings AS
SELECT g.ride_id, r.rider_id, g.elapsed_s, g.recorded_at,
  g.heart_rate, g.rpm, g.resistance, g.power_w,
  analytics.heart_rate_zone_order(g.heart_rate, r.personal_max_bpm) AS heart_rate_zone_order,
  z.label AS heart_rate_zone
FROM readings_014 g
JOIN rides r ON r.ride_id = g.ride_id
LEFT JOIN analytics_heart_rate_zones z
  ON z.zone_order = analytics.heart_rate_zone_order(g.heart_rate, r.personal_max_bpm);
DROP TABLE readings;
DROP FUNCTION readings_partition_ensure(date);
ALTER TABLE readings_014 RENAME TO readings;
ALTER INDEX readings_014_pkey RENAME TO readings_pkey;
DELETE FROM schema_migrations WHERE version = 15;`;

const READINGS = `SELECT ride_id, elapsed_s, recorded_at, heart_rate, rpm, resistance, power_w
                  FROM readings ORDER BY ride_id, elapsed_s`;

/** What the API and the BI schema answer about every ride. */
async function answers(db: Db): Promise<unknown[]> {
  const api = await apiHarness(db);
  try {
    const ids = (await db.query<{ ride_id: number }>('SELECT ride_id FROM rides ORDER BY 1')).map(
      (r) => r.ride_id,
    );
    const out: unknown[] = [(await api.call('GET', '/api/rides?limit=500', api.viewer)).json()];
    for (const id of ids) {
      out.push((await api.call('GET', `/api/rides/${id}?include=readings`, api.viewer)).json());
      out.push((await api.call('GET', `/api/export/readings.csv?ride_id=${id}`, api.viewer)).body);
    }
    out.push(
      await db.query(
        `SELECT ride_id, count(*)::int AS n, sum(heart_rate_zone_order)::int AS zones
         FROM analytics.readings GROUP BY ride_id ORDER BY ride_id`,
      ),
    );
    return out;
  } finally {
    await api.close();
  }
}

describe.each<DbKind>(['pglite', 'postgres'])('migration 015 [%s]', (kind) => {
  it("moves every reading of a 014 database into monthly partitions, and the API's answers stay", async () => {
    const t = await openTestDb(kind);
    try {
      await ingestMonths(t.db);
      // Answered by this release's code, which reads a ride's month: asked before the step back.
      const answered = await answers(t.db);
      await t.db.exec(BACK_TO_014);
      // An operator's autovacuum settings (docs/operations.md) carry over to every month.
      await t.db.exec('ALTER TABLE readings SET (autovacuum_vacuum_insert_threshold = 5000000)');
      // An orphan reading (its ride gone) moves too, under its own day.
      await t.db.exec(
        `INSERT INTO readings VALUES (999999, 1, '2021-03-04T05:06:07Z', 1, 2, 3, 4.5)`,
      );
      const before = await t.db.query(READINGS);
      expect(before.length).toBeGreaterThan(5_000);

      expect(await migrate(t.db)).toEqual(['015_readings_partitions']);
      expect(await t.db.query(READINGS)).toEqual(before);
      expect(await answers(t.db)).toEqual(answered);
      const names = (await listReadingsPartitions(t.db)).map((p) => p.name);
      expect(names).toEqual(
        expect.arrayContaining(['readings_2021_03', 'readings_2022_07', 'readings_2022_08']),
      );
      await ensureReadingsPartition(t.db, '2030-01-15');
      const settings = await t.db.query<{ opts: string[] | null }>(
        `SELECT c.reloptions AS opts FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = 'readings'::regclass`,
      );
      expect(settings.length).toBe(names.length + 1);
      for (const s of settings)
        expect(s.opts).toEqual(['autovacuum_vacuum_insert_threshold=5000000']);
      // Each reading sits in its ride's start month, a ride that ran into September included.
      const misplaced = await t.db.query(
        `SELECT g.tableoid::regclass::text AS part, r.started_at FROM readings g
         JOIN rides r USING (ride_id)
         WHERE g.tableoid::regclass::text <> 'readings_' || to_char(r.started_at AT TIME ZONE 'UTC', 'YYYY_MM')
            OR g.ride_started_on <> (r.started_at AT TIME ZONE 'UTC')::date`,
      );
      expect(misplaced).toEqual([]);
      const [crossing] = await t.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM readings_2022_08 WHERE recorded_at >= '2022-09-01'`,
      );
      expect(crossing!.n).toBeGreaterThan(0);
    } finally {
      await t.close();
    }
  }, 120_000);
});

describeEachDb('readings retention', (get) => {
  it('drops whole months past the retention: rides and their summaries stay, readings go', async () => {
    const { db } = get();
    await ingestMonths(db);
    const summaries = `SELECT ride_id, started_at, duration_s, reading_count, avg_heart_rate,
                              max_power_w, energy_kj FROM rides ORDER BY ride_id`;
    const rides = await db.query(summaries);
    const daily = await db.query('SELECT * FROM analytics.daily_summary ORDER BY day');
    const [july] = await db.query<{ ride_id: number; reading_count: number }>(
      `SELECT ride_id, reading_count FROM rides WHERE started_at < '2022-08-01' ORDER BY ride_id LIMIT 1`,
    );
    expect(july!.reading_count).toBeGreaterThan(0);

    // On 15 October 2022 with 45 days kept: July (ended 1 August) goes, August (ended
    // 1 September, 44 days before) stays; November is made.
    const now = Date.UTC(2022, 9, 15);
    const r = await maintainReadings(db, 45 * DAY_MS, now);
    expect(r.dropped.map((p) => p.name)).toEqual(['readings_2022_07']);
    expect(r.created).toEqual(expect.arrayContaining(['readings_2022_11']));
    const names = (await listReadingsPartitions(db)).map((p) => p.name);
    expect(names).not.toContain('readings_2022_07');
    expect(names).toEqual(
      expect.arrayContaining(['readings_2022_08', 'readings_2022_10', 'readings_2022_11']),
    );
    expect(await maintainReadings(db, 45 * DAY_MS, now)).toEqual({ created: [], dropped: [] });

    expect(await db.query(summaries)).toEqual(rides);
    expect(await db.query('SELECT * FROM analytics.daily_summary ORDER BY day')).toEqual(daily);
    const [left] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM readings g JOIN rides r USING (ride_id)
       WHERE r.started_at < '2022-08-01'`,
    );
    expect(left!.n).toBe(0);
    const api = await apiHarness(db);
    try {
      const ride = (
        await api.call('GET', `/api/rides/${july!.ride_id}?include=readings`, api.viewer)
      ).json<{ summary: { reading_count: number }; readings: unknown[] }>();
      expect(ride.summary.reading_count).toBe(july!.reading_count);
      expect(ride.readings).toEqual([]);
      const csv = await api.call(
        'GET',
        `/api/export/readings.csv?ride_id=${july!.ride_id}`,
        api.viewer,
      );
      expect(csv.statusCode).toBe(200);
      expect(csv.body.trim().split('\n')).toHaveLength(1);
    } finally {
      await api.close();
    }
  });
});
