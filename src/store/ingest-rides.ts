import type { Rider } from '../domain/rider.js';
import type { RideStart } from '../domain/ride.js';
import type { Queryable } from './db.js';
import type { StartedRide } from './ingest-batch.js';
import { isoFast } from './readings-copy.js';
import type { StoredRide } from './ride-ids.js';
import { run, sql, type Sql } from './sql.js';
import { suppressRides } from './suppressed-rides.repository.js';

const REFUSED: StoredRide = { kind: 'refused' };

/**
 * Stores the rides that begin in a batch, with their riders, and says what became of each: its
 * id (and whether its row was there already), or refused (deleted before, or its rider erased).
 */
export async function storeStartedRides(
  tx: Queryable,
  started: readonly StartedRide[],
): Promise<Map<RideStart, StoredRide>> {
  const learned = new Map<RideStart, StoredRide>();
  if (started.length === 0) return learned;
  const { kept, refused } = await withoutRefused(tx, started);
  for (const s of refused) learned.set(s.ride, REFUSED);
  // One row per rider and per ride key: ON CONFLICT DO UPDATE may not touch a row twice.
  const riders = [...new Map(kept.map((s) => [s.rider.riderId, s.rider])).values()];
  const byKey = new Map<string, RideStart[]>();
  for (const { ride } of kept) {
    const key = `${ride.bikeSerial}|${ride.startedAtMs}`;
    byKey.set(key, [...(byKey.get(key) ?? []), ride]);
  }
  const rides = [...byKey.values()].map((same) => same[0]!);
  if (riders.length === 0 && rides.length === 0) return learned;
  const rows = await run<{
    ride_id: number;
    bike_serial: string;
    started_at: Date;
    inserted: boolean;
  }>(
    tx,
    sql`WITH riders_upsert AS (${upsertRiders(riders)}),
             suppressions_done AS (${endSuppressions(rides)})
        ${insertRides(rides)}`,
  );
  for (const row of rows) {
    const same = byKey.get(`${row.bike_serial}|${row.started_at.getTime()}`) ?? [];
    same.forEach((ride, i) =>
      // A second ride object for the same key in one batch is a replay of the first.
      learned.set(ride, { kind: 'stored', rideId: row.ride_id, replayed: !row.inserted || i > 0 }),
    );
  }
  return learned;
}

/**
 * Splits off the rides the store must not keep: rides deleted over the API or erased (a tombstone
 * holds their key, whatever source replays them), and rides of erased riders that began before
 * `erased_until` (a replay, or a batch racing the erasure). The caller holds the erasure order.
 */
async function withoutRefused(
  tx: Queryable,
  started: readonly StartedRide[],
): Promise<{ kept: StartedRide[]; refused: StartedRide[] }> {
  const rows = await run<{
    rider_id: number | null;
    erased_ms: number | null;
    ride_key: string | null;
  }>(
    tx,
    sql`SELECT rider_id, (extract(epoch FROM erased_until(rider_id)) * 1000)::float8 AS erased_ms,
               NULL AS ride_key
        FROM unnest(${[...new Set(started.map((s) => s.rider.riderId))]}::bigint[]) AS rider_id
        WHERE erased_until(rider_id) IS NOT NULL
        UNION ALL
        SELECT NULL, NULL, d.bike_serial || '|' || (extract(epoch FROM d.started_at) * 1000)::bigint
        FROM deleted_rides d
        JOIN unnest(${started.map((s) => s.ride.bikeSerial)}::text[],
                    ${started.map((s) => isoFast(s.ride.startedAtMs))}::timestamptz[]) AS n(bike_serial, started_at)
          ON d.bike_serial = n.bike_serial AND d.started_at = n.started_at`,
  );
  if (rows.length === 0) return { kept: [...started], refused: [] };
  const erasedAt = new Map<number, number>();
  const deleted = new Set<string>();
  for (const r of rows) {
    if (r.rider_id !== null && r.erased_ms !== null) erasedAt.set(r.rider_id, r.erased_ms);
    if (r.ride_key !== null) deleted.add(r.ride_key);
  }
  const kept: StartedRide[] = [];
  const refused: StartedRide[] = [];
  for (const s of started) {
    const isDeleted = deleted.has(`${s.ride.bikeSerial}|${s.ride.startedAtMs}`);
    const isErased = s.ride.startedAtMs <= (erasedAt.get(s.rider.riderId) ?? -Infinity);
    (isDeleted || isErased ? refused : kept).push(s);
  }
  // Remembered, so that a restarted ingest goes on ignoring what follows of them.
  await suppressRides(
    tx,
    refused.map((s) => ({ bike_key: s.ride.bikeKey, started_at: new Date(s.ride.startedAtMs) })),
  );
  return { kept, refused };
}

function upsertRiders(riders: readonly Rider[]): Sql {
  const col = <K extends keyof Rider>(k: K): Rider[K][] => riders.map((r) => r[k]);
  return sql`
    INSERT INTO riders (rider_id, title, first_name, last_name, gender, birth_date, height_cm,
      weight_kg, email, address_line_1, address_line_2, city, postcode, account_created, original_source)
    SELECT * FROM unnest(${col('riderId')}::bigint[], ${col('title')}::text[],
      ${col('firstName')}::text[], ${col('lastName')}::text[], ${col('gender')}::text[],
      ${col('birthDate')}::date[], ${col('heightCm')}::int[], ${col('weightKg')}::int[],
      ${col('email')}::text[], ${col('addressLine1')}::text[], ${col('addressLine2')}::text[],
      ${col('city')}::text[], ${col('postcode')}::text[], ${col('accountCreated')}::date[],
      ${col('originalSource')}::text[])
    ON CONFLICT (rider_id) DO UPDATE SET title = EXCLUDED.title, first_name = EXCLUDED.first_name,
      last_name = EXCLUDED.last_name, gender = EXCLUDED.gender, birth_date = EXCLUDED.birth_date,
      height_cm = EXCLUDED.height_cm, weight_kg = EXCLUDED.weight_kg, email = EXCLUDED.email,
      address_line_1 = EXCLUDED.address_line_1, address_line_2 = EXCLUDED.address_line_2,
      city = EXCLUDED.city, postcode = EXCLUDED.postcode, account_created = EXCLUDED.account_created,
      original_source = EXCLUDED.original_source`;
}

/** A bike that starts a new ride has left a suppressed one behind for good. */
function endSuppressions(rides: readonly RideStart[]): Sql {
  return sql`
    DELETE FROM suppressed_rides s
    USING unnest(${rides.map((r) => r.bikeKey)}::text[],
                 ${rides.map((r) => isoFast(r.startedAtMs))}::timestamptz[]) AS n(bike_key, started_at)
    WHERE s.bike_key = n.bike_key AND s.started_at < n.started_at`;
}

/**
 * DO UPDATE (a no-op) rather than DO NOTHING so that a ride stored before still returns its id;
 * xmax = 0 tells a row inserted now from one that was there.
 */
function insertRides(rides: readonly RideStart[]): Sql {
  return sql`
    INSERT INTO rides (rider_id, bike_serial, bike_key, started_at, rider_age, personal_max_bpm,
      heard_at)
    SELECT *, now() FROM unnest(${rides.map((r) => r.riderId)}::bigint[],
      ${rides.map((r) => r.bikeSerial)}::text[], ${rides.map((r) => r.bikeKey)}::text[],
      ${rides.map((r) => isoFast(r.startedAtMs))}::timestamptz[],
      ${rides.map((r) => r.riderAge)}::int[], ${rides.map((r) => r.personalMaxBpm)}::int[])
    ON CONFLICT (bike_serial, started_at) DO UPDATE SET bike_key = rides.bike_key
    RETURNING ride_id, bike_serial, started_at, (xmax = 0) AS inserted`;
}
