import type { RideReading, RideStart } from '../domain/ride.js';
import type { Queryable } from './db.js';

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

const nul = (v: number | null): string => (v === null ? '\\N' : String(v));

/** The UTC day a ride started, as YYYY-MM-DD: the partition key its readings are stored under. */
export const startedOn = (ride: RideStart): string => iso(ride.startedAtMs).slice(0, 10);

/** `startedOn`, remembering the last ride's answer: readings of one ride come in runs. */
function startedOnCached(): (ride: RideStart) => string {
  let last: RideStart | null = null;
  let day = '';
  return (ride) => {
    if (ride !== last) {
      last = ride;
      day = startedOn(ride);
    }
    return day;
  };
}

const COLUMNS = [
  'ride_id',
  'elapsed_s',
  'ride_started_on',
  'recorded_at',
  'heart_rate',
  'rpm',
  'resistance',
  'power_w',
];

/** Bulk-loads readings no stored row can collide with: COPY, the fastest path PostgreSQL has. */
export async function copyReadings(
  tx: Queryable,
  readings: readonly RideReading[],
  idOf: RideIdOf,
): Promise<void> {
  if (readings.length === 0) return;
  const dayOf = startedOnCached();
  const parts: string[] = new Array<string>(readings.length);
  let month: string | null = dayOf(readings[0]!.ride).slice(0, 7);
  for (let i = 0; i < readings.length; i++) {
    const rr = readings[i]!;
    const r = rr.reading;
    const day = dayOf(rr.ride);
    if (month !== null && !day.startsWith(month)) month = null;
    parts[i] =
      `${idOf(rr.ride)}\t${r.elapsedS}\t${day}\t${isoFast(r.recordedAtMs)}\t${nul(r.heartRate)}\t` +
      `${nul(r.rpm)}\t${nul(r.resistance)}\t${nul(r.powerW)}\n`;
  }
  // A batch of one month (nearly all) goes straight into its partition, which the caller made
  // sure exists: PostgreSQL then skips routing each row. The partition still checks its range.
  const table = month === null ? 'readings' : `readings_${month.replace('-', '_')}`;
  await tx.copyText(table, COLUMNS, parts.join(''));
}

/** Inserts readings that may already be stored (a replay): existing rows are left as they are. */
export async function insertReadingsTolerant(
  tx: Queryable,
  readings: readonly RideReading[],
  idOf: RideIdOf,
): Promise<void> {
  if (readings.length === 0) return;
  const dayOf = startedOnCached();
  // The conflict target holds the partition key, a function of ride_id: a stored
  // (ride_id, elapsed_s) conflicts exactly as it did before readings were partitioned.
  await tx.query(
    `INSERT INTO readings (ride_id, elapsed_s, ride_started_on, recorded_at, heart_rate, rpm, resistance, power_w)
     SELECT * FROM unnest($1::bigint[], $2::int[], $3::date[], $4::timestamptz[], $5::int[], $6::int[], $7::int[], $8::float8[])
     ON CONFLICT (ride_id, elapsed_s, ride_started_on) DO NOTHING`,
    [
      readings.map((rr) => idOf(rr.ride)),
      readings.map((rr) => rr.reading.elapsedS),
      readings.map((rr) => dayOf(rr.ride)),
      readings.map((rr) => isoFast(rr.reading.recordedAtMs)),
      readings.map((rr) => rr.reading.heartRate),
      readings.map((rr) => rr.reading.rpm),
      readings.map((rr) => rr.reading.resistance),
      readings.map((rr) => rr.reading.powerW),
    ],
  );
}
