// What the soak (bench/soak.ts) reads of the database once the feed stops.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from '../../src/store/db.js';

/** Waits until `done()` holds, polling every second; false after `timeoutMs`. */
export async function until(done: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await done()) return true;
    await sleep(1000);
  }
  return done();
}

/** The sum of a source's stored positions: for a Kafka topic, the messages stored. */
export async function storedPositionSum(db: Db, source: string): Promise<number> {
  const [r] = await db.query<{ n: number }>(
    'SELECT coalesce(sum(position), 0)::float8 AS n FROM source_offsets WHERE source = $1',
    [source],
  );
  return r?.n ?? 0;
}

/**
 * Readings and rides stored, and the seconds missing inside rides: a reading lost in Kafka (the
 * mock truncating a partition before it was read) leaves a hole in its ride's elapsed seconds.
 */
export async function readingCounts(
  db: Db,
): Promise<{ readings: number; rides: number; gaps: number }> {
  const [counts] = await db.query<{ readings: number; rides: number; gaps: number }>(
    `SELECT (SELECT count(*) FROM readings)::int AS readings, (SELECT count(*) FROM rides)::int AS rides,
            (SELECT coalesce(sum(span - n), 0)::int FROM
               (SELECT max(elapsed_s) - min(elapsed_s) + 1 AS span, count(*) AS n FROM readings GROUP BY ride_id) r) AS gaps`,
  );
  return counts ?? { readings: 0, rides: 0, gaps: -1 };
}
