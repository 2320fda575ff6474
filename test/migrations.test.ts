// Upgrading a database that holds data from before a migration: what was there keeps working.
import { expect, it } from 'vitest';
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
