import type { Queryable } from './db.js';
import type { IngestBatch, RideReading } from './ingest-batch.js';
import type { OpenRide } from '../domain/ride-tracker.js';
import { upsertRiders } from './riders.repository.js';

/** What a batch write did, for logs and metrics. */
export interface WriteStats {
  readonly readings: number;
  readonly rides: number;
  readonly rejects: number;
  /** The batch overlapped stored rows (a replay) and took the slower conflict-tolerant path. */
  readonly replayed: boolean;
}

const iso = (ms: number): string => new Date(ms).toISOString();

// Readings of one minute share the "YYYY-MM-DDTHH:MM:" prefix; toISOString per row was a
// measurable share of the COPY path.
let minuteKey = NaN;
let minutePrefix = '';
function isoFast(ms: number): string {
  const minute = Math.floor(ms / 60_000);
  if (minute !== minuteKey) {
    minuteKey = minute;
    minutePrefix = new Date(minute * 60_000).toISOString().slice(0, 17);
  }
  const rest = ms - minute * 60_000;
  const sec = Math.floor(rest / 1000);
  const milli = rest - sec * 1000;
  return `${minutePrefix}${sec < 10 ? '0' : ''}${sec}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}

/** Writes one batch; call inside a transaction so rows and positions commit together. */
export async function writeBatch(tx: Queryable, b: IngestBatch): Promise<WriteStats> {
  // Safe to relax: positions commit with the rows, so a batch lost in a server crash is read again.
  await tx.query('SET LOCAL synchronous_commit = off');
  await upsertRiders(tx, b.riders);
  await insertRides(tx, b);
  const replayed = await insertReadings(tx, b.readings);
  await completeReadings(tx, b.completions);
  await updateRides(tx, b);
  await insertRejects(tx, b);
  await savePositions(tx, b.source, b.positions);
  return {
    readings: b.readings.length,
    rides: b.startedRides.length,
    rejects: b.rejects.length,
    replayed,
  };
}

async function insertRides(tx: Queryable, b: IngestBatch): Promise<void> {
  if (b.startedRides.length === 0) return;
  const rides = b.startedRides;
  // DO UPDATE (a no-op) rather than DO NOTHING so a replayed ride still returns its id.
  const rows = await tx.query<{ ride_id: number; bike_serial: string; started_at: Date }>(
    `INSERT INTO rides (rider_id, bike_serial, bike_key, started_at)
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::timestamptz[])
     ON CONFLICT (bike_serial, started_at) DO UPDATE SET rider_id = EXCLUDED.rider_id
     RETURNING ride_id, bike_serial, started_at`,
    [
      rides.map((r) => r.riderId),
      rides.map((r) => r.bikeSerial),
      rides.map((r) => r.bikeKey),
      rides.map((r) => iso(r.startedAtMs)),
    ],
  );
  const ids = new Map(rows.map((r) => [`${r.bike_serial}|${r.started_at.getTime()}`, r.ride_id]));
  for (const ride of rides) ride.rideId = ids.get(`${ride.bikeSerial}|${ride.startedAtMs}`) ?? null;
}

function idOf(ride: OpenRide): number {
  if (ride.rideId === null)
    throw new Error(`ride of bike ${ride.bikeKey} has no id: it was never stored`);
  return ride.rideId;
}
const rideIdOf = (rr: RideReading): number => idOf(rr.ride);

const nul = (v: number | null): string => (v === null ? '\\N' : String(v));

async function insertReadings(tx: Queryable, readings: readonly RideReading[]): Promise<boolean> {
  if (readings.length === 0) return false;
  const parts: string[] = [];
  for (const rr of readings) {
    const r = rr.reading;
    parts.push(
      `${rideIdOf(rr)}\t${r.elapsedS}\t${isoFast(r.recordedAtMs)}\t${nul(r.heartRate)}\t${nul(r.rpm)}\t${nul(r.resistance)}\t${nul(r.powerW)}\n`,
    );
  }
  // COPY is the fast path; a replay collides with stored rows and falls back to ON CONFLICT.
  await tx.query('SAVEPOINT readings_copy');
  try {
    await tx.copyText(
      'readings',
      ['ride_id', 'elapsed_s', 'recorded_at', 'heart_rate', 'rpm', 'resistance', 'power_w'],
      parts.join(''),
    );
    await tx.query('RELEASE SAVEPOINT readings_copy');
    return false;
  } catch (e) {
    if ((e as { code?: string }).code !== '23505') throw e;
    await tx.query('ROLLBACK TO SAVEPOINT readings_copy');
  }
  await tx.query(
    `INSERT INTO readings (ride_id, elapsed_s, recorded_at, heart_rate, rpm, resistance, power_w)
     SELECT * FROM unnest($1::bigint[], $2::int[], $3::timestamptz[], $4::int[], $5::int[], $6::int[], $7::float8[])
     ON CONFLICT (ride_id, elapsed_s) DO NOTHING`,
    [
      readings.map(rideIdOf),
      readings.map((rr) => rr.reading.elapsedS),
      readings.map((rr) => iso(rr.reading.recordedAtMs)),
      readings.map((rr) => rr.reading.heartRate),
      readings.map((rr) => rr.reading.rpm),
      readings.map((rr) => rr.reading.resistance),
      readings.map((rr) => rr.reading.powerW),
    ],
  );
  return true;
}

async function completeReadings(tx: Queryable, done: readonly RideReading[]): Promise<void> {
  if (done.length === 0) return;
  await tx.query(
    `UPDATE readings r SET heart_rate = u.hr, rpm = u.rpm, power_w = u.pw
     FROM unnest($1::bigint[], $2::int[], $3::int[], $4::int[], $5::float8[]) AS u(ride_id, elapsed_s, hr, rpm, pw)
     WHERE r.ride_id = u.ride_id AND r.elapsed_s = u.elapsed_s`,
    [
      done.map(rideIdOf),
      done.map((rr) => rr.reading.elapsedS),
      done.map((rr) => rr.reading.heartRate),
      done.map((rr) => rr.reading.rpm),
      done.map((rr) => rr.reading.powerW),
    ],
  );
}

async function updateRides(tx: Queryable, b: IngestBatch): Promise<void> {
  const u = b.rideUpdates;
  if (u.length === 0) return;
  await tx.query(
    `UPDATE rides r SET ended_at = u.ended_at, duration_s = u.duration_s, reading_count = u.reading_count,
       avg_heart_rate = u.avg_hr, min_heart_rate = u.min_hr, max_heart_rate = u.max_hr,
       avg_rpm = u.avg_rpm, avg_resistance = u.avg_res, avg_power_w = u.avg_pw,
       max_power_w = u.max_pw, energy_kj = u.energy_kj
     FROM unnest($1::bigint[], $2::timestamptz[], $3::int[], $4::int[], $5::float8[], $6::int[], $7::int[],
                 $8::float8[], $9::float8[], $10::float8[], $11::float8[], $12::float8[])
       AS u(ride_id, ended_at, duration_s, reading_count, avg_hr, min_hr, max_hr, avg_rpm, avg_res, avg_pw, max_pw, energy_kj)
     WHERE r.ride_id = u.ride_id`,
    [
      u.map((x) => idOf(x.ride)),
      u.map((x) => (x.endedAtMs === null ? null : iso(x.endedAtMs))),
      u.map((x) => x.summary.durationS),
      u.map((x) => x.summary.readingCount),
      u.map((x) => x.summary.avgHeartRate),
      u.map((x) => x.summary.minHeartRate),
      u.map((x) => x.summary.maxHeartRate),
      u.map((x) => x.summary.avgRpm),
      u.map((x) => x.summary.avgResistance),
      u.map((x) => x.summary.avgPowerW),
      u.map((x) => x.summary.maxPowerW),
      u.map((x) => x.summary.energyKj),
    ],
  );
}

async function insertRejects(tx: Queryable, b: IngestBatch): Promise<void> {
  if (b.rejects.length === 0) return;
  // NUL bytes cannot be stored in text; everything else is kept verbatim.
  const clean = (s: string): string => (s.includes('\0') ? s.replace(/\0/g, '\\0') : s);
  await tx.query(
    `INSERT INTO rejected_messages (source, partition, position, raw, reason)
     SELECT $1, * FROM unnest($2::int[], $3::bigint[], $4::text[], $5::text[])
     ON CONFLICT (source, partition, position) DO NOTHING`,
    [
      b.source,
      b.rejects.map((r) => r.partition),
      b.rejects.map((r) => r.position),
      b.rejects.map((r) => clean(r.raw)),
      b.rejects.map((r) => clean(r.reason)),
    ],
  );
}

/** Stores the positions a source reached. */
export async function savePositions(
  tx: Queryable,
  source: string,
  positions: ReadonlyMap<number, number>,
): Promise<void> {
  if (positions.size === 0) return;
  await tx.query(
    `INSERT INTO source_offsets (source, partition, position)
     SELECT $1, * FROM unnest($2::int[], $3::bigint[])
     ON CONFLICT (source, partition) DO UPDATE SET position = EXCLUDED.position, updated_at = now()`,
    [source, [...positions.keys()], [...positions.values()]],
  );
}
