import type { OpenRide } from '../domain/ride-tracker.js';
import type { Rider } from '../domain/rider.js';
import { ALERTS_CHANNEL } from './alerts.repository.js';
import { ERASURE_LOCK } from './riders.repository.js';
import { suppressRides } from './suppressed-rides.repository.js';
import type { Queryable, SqlParam } from './db.js';
import type { IngestBatch, RideReading, RideUpdate } from './ingest-batch.js';
import { copyReadings, idOf, insertReadingsTolerant, isoFast } from './readings-copy.js';

/** What a batch write did, for logs and metrics. */
export interface WriteStats {
  readonly readings: number;
  readonly rides: number;
  readonly rejects: number;
  /** Some rows were stored already (a replay) and took the conflict-tolerant path. */
  readonly replayed: boolean;
}

/**
 * Writes one batch; call inside a transaction so rows and positions commit together.
 * Round trips are few on purpose (a batch's latency bounds ingest): riders and rides in one
 * statement, readings by COPY, everything else in one statement of data-modifying CTEs.
 * `tolerant` sends every reading through ON CONFLICT, for a batch that collided unexpectedly.
 */
export async function writeBatch(
  tx: Queryable,
  b: IngestBatch,
  opts: { tolerant?: boolean } = {},
): Promise<WriteStats> {
  await insertRidersAndRides(tx, b);
  b = await withoutDeletedRides(tx, b);
  const fresh: RideReading[] = [];
  const stored: RideReading[] = [];
  for (const rr of b.readings) (opts.tolerant || rr.ride.alreadyStored ? stored : fresh).push(rr);
  await copyReadings(tx, fresh);
  await insertReadingsTolerant(tx, stored);
  await finishBatch(tx, b);
  return {
    readings: b.readings.length,
    rides: b.startedRides.length,
    rejects: b.rejects.length,
    replayed: stored.length > 0,
  };
}

const RIDERS_UPSERT = `
  INSERT INTO riders (rider_id, title, first_name, last_name, gender, birth_date, height_cm, weight_kg,
    email, address_line_1, address_line_2, city, postcode, account_created, original_source)
  SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::date[],
    $7::int[], $8::int[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::date[], $15::text[])
  ON CONFLICT (rider_id) DO UPDATE SET title = EXCLUDED.title, first_name = EXCLUDED.first_name,
    last_name = EXCLUDED.last_name, gender = EXCLUDED.gender, birth_date = EXCLUDED.birth_date,
    height_cm = EXCLUDED.height_cm, weight_kg = EXCLUDED.weight_kg, email = EXCLUDED.email,
    address_line_1 = EXCLUDED.address_line_1, address_line_2 = EXCLUDED.address_line_2,
    city = EXCLUDED.city, postcode = EXCLUDED.postcode, account_created = EXCLUDED.account_created,
    original_source = EXCLUDED.original_source`;

// DO UPDATE (a no-op) rather than DO NOTHING so that a ride stored before still returns its id;
// xmax = 0 tells a row inserted now from one that was there.
const RIDES_INSERT = `
  INSERT INTO rides (rider_id, bike_serial, bike_key, started_at)
  SELECT * FROM unnest($16::bigint[], $17::text[], $18::text[], $19::timestamptz[])
  ON CONFLICT (bike_serial, started_at) DO UPDATE SET bike_key = rides.bike_key
  RETURNING ride_id, bike_serial, started_at, (xmax = 0) AS inserted`;

/**
 * The batch's new rides and riders less those of erased riders whose rides began no later than
 * the erasure, or than the latest ride it erased (a bike's clock may run ahead): a replay, or a
 * batch racing the erasure. Those rides keep no id and store nothing.
 */
async function withoutErased(
  tx: Queryable,
  b: IngestBatch,
): Promise<{ riders: readonly Rider[]; rides: readonly OpenRide[] }> {
  await tx.query('SELECT pg_advisory_xact_lock_shared($1)', [ERASURE_LOCK]);
  const ids = [
    ...new Set([...b.riders.map((r) => r.riderId), ...b.startedRides.map((r) => r.riderId)]),
  ];
  const erased = await tx.query<{ rider_id: number; erased_ms: number }>(
    `SELECT rider_id,
            (extract(epoch FROM max(greatest(erased_at, erased_through))) * 1000)::float8 AS erased_ms
     FROM erasures WHERE rider_id = ANY($1::bigint[]) GROUP BY rider_id`,
    [ids],
  );
  if (erased.length === 0) return { riders: b.riders, rides: b.startedRides };
  const erasedAt = new Map(erased.map((e) => [e.rider_id, e.erased_ms]));
  const rides = b.startedRides.filter(
    (r) => r.startedAtMs > (erasedAt.get(r.riderId) ?? -Infinity),
  );
  // Remembered, so that a restarted ingest goes on ignoring what follows of them.
  await suppressRides(
    tx,
    b.startedRides
      .filter((r) => !rides.includes(r))
      .map((r) => ({ bike_key: r.bikeKey, started_at: new Date(r.startedAtMs) })),
  );
  const keptRiders = new Set(rides.map((r) => r.riderId));
  const riders = b.riders.filter((r) => !erasedAt.has(r.riderId) || keptRiders.has(r.riderId));
  return { riders, rides };
}

// A bike that starts a new ride has left a suppressed one behind for good.
const SUPPRESSIONS_DONE = `
  DELETE FROM suppressed_rides s USING unnest($18::text[], $19::timestamptz[]) AS n(bike_key, started_at)
  WHERE s.bike_key = n.bike_key AND s.started_at < n.started_at`;

async function insertRidersAndRides(tx: Queryable, b: IngestBatch): Promise<void> {
  if (b.startedRides.length === 0 && b.riders.length === 0) return;
  const kept = await withoutErased(tx, b);
  // One row per rider and per ride key: ON CONFLICT DO UPDATE may not touch a row twice.
  const riders = [...new Map(kept.riders.map((r) => [r.riderId, r])).values()];
  const byKey = new Map<string, OpenRide[]>();
  for (const ride of kept.rides) {
    const key = `${ride.bikeSerial}|${ride.startedAtMs}`;
    byKey.set(key, [...(byKey.get(key) ?? []), ride]);
  }
  const rides = [...byKey.values()].map((same) => same[0]!);
  const col = <K extends keyof Rider>(k: K): Rider[K][] => riders.map((r) => r[k]);
  const rows = await tx.query<{
    ride_id: number;
    bike_serial: string;
    started_at: Date;
    inserted: boolean;
  }>(
    `WITH riders_upsert AS (${RIDERS_UPSERT}), suppressions_done AS (${SUPPRESSIONS_DONE}) ${RIDES_INSERT}`,
    [
      col('riderId'),
      col('title'),
      col('firstName'),
      col('lastName'),
      col('gender'),
      col('birthDate'),
      col('heightCm'),
      col('weightKg'),
      col('email'),
      col('addressLine1'),
      col('addressLine2'),
      col('city'),
      col('postcode'),
      col('accountCreated'),
      col('originalSource'),
      rides.map((r) => r.riderId),
      rides.map((r) => r.bikeSerial),
      rides.map((r) => r.bikeKey),
      rides.map((r) => isoFast(r.startedAtMs)),
    ],
  );
  for (const row of rows) {
    const same = byKey.get(`${row.bike_serial}|${row.started_at.getTime()}`) ?? [];
    same.forEach((ride, i) => {
      ride.rideId = row.ride_id;
      // A second ride object for the same key in one batch is a replay of the first.
      ride.alreadyStored = !row.inserted || i > 0;
    });
  }
}

/**
 * Drops what the batch holds for rides deleted while open (a ride deleted over the API, a rider
 * erased mid-ride): without this their later readings would be stored with no ride. The lock
 * orders the batch against a concurrent delete, which removes the ride row first.
 */
async function withoutDeletedRides(tx: Queryable, b: IngestBatch): Promise<IngestBatch> {
  const ids = new Set<number>();
  let unstored = false;
  for (const xs of [b.rideUpdates, b.readings, b.completions])
    for (const x of xs) {
      if (x.ride.rideId === null) unstored = true;
      else ids.add(x.ride.rideId);
    }
  if (ids.size === 0 && !unstored) return b;
  const live =
    ids.size === 0
      ? []
      : await tx.query<{ ride_id: number }>(
          'SELECT ride_id FROM rides WHERE ride_id = ANY($1::bigint[]) FOR KEY SHARE',
          [[...ids]],
        );
  if (!unstored && live.length === ids.size) return b;
  const kept = new Set(live.map((r) => r.ride_id));
  // A ride with no id is one of an erased rider that was not stored (see withoutErased).
  const keep = <T extends { ride: OpenRide }>(xs: readonly T[]): T[] =>
    xs.filter((x) => x.ride.rideId !== null && kept.has(x.ride.rideId));
  return {
    ...b,
    readings: keep(b.readings),
    completions: keep(b.completions),
    rideUpdates: keep(b.rideUpdates),
    alerts: keep(b.alerts),
  };
}

/** Completions, ride summaries, rejects and the source positions, in one statement. */
async function finishBatch(tx: Queryable, b: IngestBatch): Promise<void> {
  const done = b.completions;
  // One row per ride. Two ride objects for one stored ride (a replay within the batch): the one
  // that has counted more readings is the truer summary, as the guard below has it across batches.
  const byRide = new Map<number, RideUpdate>();
  for (const x of b.rideUpdates) {
    const seen = byRide.get(idOf(x.ride));
    if (!seen || x.summary.readingCount >= seen.summary.readingCount) byRide.set(idOf(x.ride), x);
  }
  const u = [...byRide.values()];
  const rejects = b.rejects;
  // NUL bytes cannot be stored in text; everything else is kept verbatim.
  const clean = (s: string): string => (s.includes('\0') ? s.replace(/\0/g, '\\0') : s);
  await tx.query(
    `WITH completed AS (
       UPDATE readings r SET heart_rate = c.hr, rpm = c.rpm, power_w = c.pw
       FROM unnest($1::bigint[], $2::int[], $3::int[], $4::int[], $5::float8[]) AS c(ride_id, elapsed_s, hr, rpm, pw)
       WHERE r.ride_id = c.ride_id AND r.elapsed_s = c.elapsed_s
     ), summaries AS (
       UPDATE rides r SET ended_at = s.ended_at, duration_s = s.duration_s,
         reading_count = s.reading_count,
         avg_heart_rate = s.avg_hr, min_heart_rate = s.min_hr, max_heart_rate = s.max_hr,
         avg_rpm = s.avg_rpm, avg_resistance = s.avg_res, avg_power_w = s.avg_pw,
         max_power_w = s.max_pw, energy_kj = s.energy_kj
       FROM unnest($6::bigint[], $7::timestamptz[], $8::int[], $9::int[], $10::float8[], $11::int[], $12::int[],
                   $13::float8[], $14::float8[], $15::float8[], $16::float8[], $17::float8[])
         AS s(ride_id, ended_at, duration_s, reading_count, avg_hr, min_hr, max_hr, avg_rpm, avg_res, avg_pw, max_pw, energy_kj)
       -- A summary never goes back: not when a replay re-counts a stored ride from zero, nor
       -- when a process that lost a partition commits late.
       WHERE r.ride_id = s.ride_id AND s.reading_count >= r.reading_count
     ), rejected AS (
       INSERT INTO rejected_messages (source, partition, position, raw, reason)
       SELECT $18, * FROM unnest($19::int[], $20::bigint[], $21::text[], $22::text[])
       ON CONFLICT (source, partition, position) DO NOTHING
     ), alerted AS (
       INSERT INTO alerts (ride_id, rider_id, kind, readings, limit_bpm, detected_at, elapsed_s)
       SELECT * FROM unnest($25::bigint[], $26::bigint[], $27::text[], $28::jsonb[], $29::int[],
                            $30::timestamptz[], $31::int[])
       ON CONFLICT (ride_id, kind, elapsed_s) DO NOTHING
     )
     INSERT INTO source_offsets (source, partition, position)
     SELECT $18, * FROM unnest($23::int[], $24::bigint[])
     ON CONFLICT (source, partition) DO UPDATE SET position = EXCLUDED.position, updated_at = now()
       WHERE source_offsets.position < EXCLUDED.position`,
    [
      done.map((rr) => idOf(rr.ride)),
      done.map((rr) => rr.reading.elapsedS),
      done.map((rr) => rr.reading.heartRate),
      done.map((rr) => rr.reading.rpm),
      done.map((rr) => rr.reading.powerW),
      u.map((x) => idOf(x.ride)),
      u.map((x) => (x.endedAtMs === null ? null : isoFast(x.endedAtMs))),
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
      b.source,
      rejects.map((r) => r.partition),
      rejects.map((r) => r.position),
      rejects.map((r) => clean(r.raw)),
      rejects.map((r) => clean(r.reason)),
      [...b.positions.keys()],
      [...b.positions.values()],
      ...alertColumns(b),
    ],
  );
  // Wakes the mail workers; NOTIFY is delivered on commit, so they never see uncommitted alerts.
  if (b.alerts.length > 0)
    await tx.query(`SELECT pg_notify('${ALERTS_CHANNEL}', $1)`, [String(b.alerts.length)]);
}

function alertColumns(b: IngestBatch): SqlParam[] {
  const a = b.alerts;
  return [
    a.map((x) => idOf(x.ride)),
    a.map((x) => x.ride.riderId),
    a.map((x) => x.alert.kind),
    a.map((x) =>
      JSON.stringify(
        x.alert.readings.map((r) => ({ elapsed_s: r.elapsedS, at: isoFast(r.atMs), bpm: r.bpm })),
      ),
    ),
    a.map((x) => x.alert.limitBpm),
    a.map((x) => isoFast(x.alert.detectedAtMs)),
    a.map((x) => x.alert.readings[x.alert.readings.length - 1]!.elapsedS),
  ];
}
