// Upgrading a database that holds data from before a migration: what was there keeps working.
import { expect, it } from 'vitest';
import { syncAnalyticsTimeZone } from '../src/store/analytics-definitions.js';
import { refreshAnalytics } from '../src/store/analytics-refresh.repository.js';
import { deleteRide } from '../src/store/rides.repository.js';
import { loadMigrations, migrate } from '../src/store/migrate.js';
import { openPgliteDb } from '../src/store/pglite-db.js';

it('gives open rides stored before 008 a time ingest last wrote to them, so they can be deleted', async () => {
  const db = await openPgliteDb(null);
  try {
    await migrate(
      db,
      loadMigrations().filter((m) => m.version <= 8),
    );
    const [ride] = await db.query<{ ride_id: number }>(
      `INSERT INTO rides (rider_id, bike_serial, bike_key, started_at, duration_s, heard_at)
       VALUES (1, 'SN1', 'SN1', '2022-07-06T10:00:00Z', 300, NULL),
              (2, 'SN2', 'SN2', '2999-01-01T00:00:00Z', 30, NULL)
       RETURNING ride_id`,
    );
    await migrate(db);
    const rows = await db.query<{ heard_at: Date }>('SELECT heard_at FROM rides ORDER BY ride_id');
    expect(rows[0]!.heard_at.toISOString()).toBe('2022-07-06T10:05:00.000Z');
    // Never later than the migration itself, whatever the bike's clock said.
    expect(rows[1]!.heard_at.getTime()).toBeLessThanOrEqual(Date.now());
    const res = await db.transaction((tx) => deleteRide(tx, ride!.ride_id, 120));
    expect(res.kind).toBe('deleted');
  } finally {
    await db.close();
  }
});

it('brings rides stored before 013 into the BI schema at the first start, and resumes an interrupted cut', async () => {
  const db = await openPgliteDb(null);
  try {
    await migrate(
      db,
      loadMigrations().filter((m) => m.version <= 12),
    );
    await db.query(
      `INSERT INTO riders (rider_id, first_name, last_name, gender) VALUES (7, 'A', 'B', 'female')`,
    );
    await db.query(
      `INSERT INTO rides (rider_id, bike_serial, bike_key, started_at, duration_s, rider_age)
       VALUES (7, 'SN1', 'SN1', '2022-07-06T23:30:00Z', 300, 30),
              (7, 'SN1', 'SN1', '2022-07-07T10:00:00Z', 600, 30)`,
    );
    await migrate(db);
    // Counted by the migration; their days wait for the display time zone.
    expect(await db.query('SELECT rider_id, ride_count FROM analytics.riders')).toEqual([
      { rider_id: 7, ride_count: 2 },
    ]);
    expect(await db.query('SELECT ride_id FROM analytics.rides')).toEqual([]);
    expect(await syncAnalyticsTimeZone(db, 'Europe/London')).toBe(true);
    expect(await syncAnalyticsTimeZone(db, 'Europe/London')).toBe(false);
    await refreshAnalytics(db);
    expect(await db.query('SELECT day, rides FROM analytics.daily_summary')).toEqual([
      { day: '2022-07-07', rides: 2 },
    ]);
    // A cut that stopped half way (the process died) is finished by the next start.
    await db.exec(`UPDATE rides SET local_day = NULL WHERE ride_id = 2;
      UPDATE analytics_state SET days_cut = false`);
    expect(await syncAnalyticsTimeZone(db, 'Europe/London')).toBe(true);
    expect(await db.query('SELECT count(*)::int AS n FROM analytics.rides')).toEqual([{ n: 2 }]);
  } finally {
    await db.close();
  }
});
