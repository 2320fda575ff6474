// How long migration 015 takes to move readings into monthly partitions, per million readings,
// and the bytes a reading takes before and after (PostgreSQL; rows made by generate_series).
// Usage: npx tsx bench/migrate-readings.ts [--millions N]
import { parseArgs } from 'node:util';
import { loadMigrations, migrate } from '../src/store/migrate.js';
import { openPgDb } from '../src/store/pg-db.js';
import { log } from './support/log.js';
import { round, runBench } from './support/output.js';
import { checkpoint, createBenchDatabase } from './support/pg.js';

const { values } = parseArgs({ options: { millions: { type: 'string', default: '2' } } });
const millions = Number(values.millions);

await runBench('migrate-readings', async () => {
  const db = openPgDb(await createBenchDatabase('migrate'));
  try {
    await migrate(
      db,
      loadMigrations().filter((m) => m.version <= 14),
    );
    // Rides of 2,000 s, one every 2 minutes from June 2026: a few months of partitions.
    const rides = Math.round((millions * 1e6) / 2_000);
    log(`filling a 014 database with ${rides} rides of 2,000 readings`);
    await db.exec(`INSERT INTO rides (ride_id, rider_id, bike_serial, bike_key, started_at, duration_s)
      SELECT g, 1, 'SN' || g, 'SN' || g, timestamptz '2026-06-01' + g * interval '2 minutes', 2000
      FROM generate_series(1, ${rides}) g`);
    await db.exec(`INSERT INTO readings
      SELECT r.ride_id, s, r.started_at + s * interval '1 second', 120, 80, 40, 150.5
      FROM rides r, generate_series(1, 2000) s`);
    await db.exec('VACUUM ANALYZE readings');
    const [before] = await db.query<{ n: number; bytes: number }>(
      `SELECT count(*)::float8 AS n, pg_total_relation_size('readings')::float8 AS bytes FROM readings`,
    );
    await checkpoint();
    log('migrating to 015');
    const started = performance.now();
    await migrate(db);
    const seconds = (performance.now() - started) / 1000;
    await db.exec('VACUUM ANALYZE readings');
    const [after] = await db.query<{ bytes: number; parts: number }>(
      `SELECT sum(pg_total_relation_size(inhrelid))::float8 AS bytes, count(*)::int AS parts
       FROM pg_inherits WHERE inhparent = 'readings'::regclass`,
    );
    return {
      readings: before!.n,
      seconds: round(seconds),
      secondsPerMillion: round(seconds / (before!.n / 1e6)),
      bytesPerReadingBefore: round(before!.bytes / before!.n),
      bytesPerReadingAfter: round(after!.bytes / before!.n),
      partitions: after!.parts,
    };
  } finally {
    await db.close();
  }
});
