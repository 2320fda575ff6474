import type { RideReading, RideStart } from '../domain/ride.js';
import type { Queryable } from './db.js';
import { BinaryCopyWriter } from './copy-binary.js';
import { utcDayOf } from './utc-day.js';

/** The stored id of a ride whose rows are being written (its ride row exists by then). */
export type RideIdOf = (ride: RideStart) => number;

const iso = (ms: number): string => new Date(ms).toISOString();

// Readings of one minute share the "YYYY-MM-DDTHH:MM:" prefix; toISOString per row was a
// measurable share of the COPY path.
let minuteKey = NaN;
let minutePrefix = '';

/** Epoch ms → ISO 8601 UTC, as `Date#toISOString` would print it, cheaply for nearby times. */
export function isoFast(ms: number): string {
  const minute = Math.floor(ms / 60_000);
  if (minute !== minuteKey) {
    minuteKey = minute;
    minutePrefix = iso(minute * 60_000).slice(0, 17);
  }
  const rest = ms - minute * 60_000;
  const sec = Math.floor(rest / 1000);
  const milli = rest - sec * 1000;
  return `${minutePrefix}${sec < 10 ? '0' : ''}${sec}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}

/** The UTC day a ride started, as YYYY-MM-DD: the partition key its readings are stored under. */
export const startedOn = (ride: RideStart): string => utcDayOf(ride.startedAtMs);

const COLUMNS = [
  'ride_id',
  'ride_started_on',
  'elapsed_s',
  'recorded_at',
  'heart_rate',
  'rpm',
  'resistance',
  'power_w',
];
/** A reading's bytes in binary COPY: a field count and eight fields, with their lengths. */
const ROW_BYTES = 2 + COLUMNS.length * 4 + 8 + 4 + 4 + 8 + 4 + 4 + 4 + 8;

/**
 * Bulk-loads readings no stored row can collide with: binary COPY, the fastest path PostgreSQL
 * has. Text COPY made the server parse every timestamp and float, and with the partition key's
 * date as well, partitioned readings cost ingest about a tenth of its speed (docs/benchmarks.md).
 */
export async function copyReadings(
  tx: Queryable,
  readings: readonly RideReading[],
  idOf: RideIdOf,
): Promise<void> {
  if (readings.length === 0) return;
  const month = startedOn(readings[0]!.ride).slice(0, 7);
  let oneMonth = true;
  let checked = '';
  const out = new BinaryCopyWriter(19 + readings.length * ROW_BYTES + 2);
  for (const { ride, reading: r } of readings) {
    // utcDayOf hands out one string per day, so most rows skip the prefix test.
    const day = startedOn(ride);
    if (day !== checked) {
      checked = day;
      if (!day.startsWith(month)) oneMonth = false;
    }
    out.row(COLUMNS.length);
    out.int8(idOf(ride));
    out.date(ride.startedAtMs);
    out.int4(r.elapsedS);
    out.timestamptz(r.recordedAtMs);
    out.int4(r.heartRate);
    out.int4(r.rpm);
    out.int4(r.resistance);
    out.float8(r.powerW);
  }
  // A batch of one month (nearly all) goes straight into its partition, which the caller made
  // sure exists: PostgreSQL then skips routing each row. The partition still checks its range.
  const table = oneMonth ? `readings_${month.replace('-', '_')}` : 'readings';
  await tx.copyBinary(table, COLUMNS, out.finish());
}

/** Inserts readings that may already be stored (a replay): existing rows are left as they are. */
export async function insertReadingsTolerant(
  tx: Queryable,
  readings: readonly RideReading[],
  idOf: RideIdOf,
): Promise<void> {
  if (readings.length === 0) return;
  // The conflict target holds the partition key, a function of ride_id: a stored
  // (ride_id, elapsed_s) conflicts exactly as it did before readings were partitioned.
  await tx.query(
    `INSERT INTO readings (ride_id, elapsed_s, ride_started_on, recorded_at, heart_rate, rpm, resistance, power_w)
     SELECT * FROM unnest($1::bigint[], $2::int[], $3::date[], $4::timestamptz[], $5::int[], $6::int[], $7::int[], $8::float8[])
     ON CONFLICT (ride_id, elapsed_s, ride_started_on) DO NOTHING`,
    [
      readings.map((rr) => idOf(rr.ride)),
      readings.map((rr) => rr.reading.elapsedS),
      readings.map((rr) => startedOn(rr.ride)),
      readings.map((rr) => isoFast(rr.reading.recordedAtMs)),
      readings.map((rr) => rr.reading.heartRate),
      readings.map((rr) => rr.reading.rpm),
      readings.map((rr) => rr.reading.resistance),
      readings.map((rr) => rr.reading.powerW),
    ],
  );
}
