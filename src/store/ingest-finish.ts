import type { RideProgress, RideReading } from '../domain/ride.js';
import { ALERTS_CHANNEL } from './alerts.repository.js';
import { LIVE_CHANNEL, livePayloads } from './live-rides.repository.js';
import type { Queryable } from './db.js';
import type { RejectRow, RideAlert, SourcePosition } from './ingest-batch.js';
import { fencedOf, heldPartitions, PartitionFencedError } from './partition-owners.repository.js';
import { isoFast, type RideIdOf } from './readings-copy.js';
import { run, sql, type Sql } from './sql.js';

/** What a batch writes after its rides and readings: all in one statement, one round trip. */
export interface BatchEnd {
  readonly source: string;
  readonly completions: readonly RideReading[];
  readonly progress: readonly RideProgress[];
  readonly rejects: readonly RejectRow[];
  readonly alerts: readonly RideAlert[];
  readonly positions: ReadonlyMap<number, SourcePosition>;
}

/**
 * Completes half readings, moves ride summaries, stores rejects and alerts, and saves the source
 * positions, as one statement of data-modifying CTEs, under the fence of the batch's partitions
 * (throws `PartitionFencedError`); then wakes the mail workers.
 */
export async function finishBatch(tx: Queryable, end: BatchEnd, idOf: RideIdOf): Promise<void> {
  // The fence rides in the same statement (no extra round trip): should a partition have been
  // claimed by another process, the statement's writes stay uncommitted and the caller's
  // transaction rolls back on the error below, with everything the batch wrote before it.
  const held = await run<{ partition: number }>(
    tx,
    sql`WITH held AS (${heldPartitions(end.source, end.positions)}),
             completed AS (${completeReadings(end.completions, idOf)}),
             summaries AS (${updateSummaries(end.progress, idOf)}),
             rejected AS (${insertRejects(end.source, end.rejects)}),
             rejects_counted AS (${countRejects(end.source)}),
             alerted AS (${insertAlerts(end.alerts, idOf)}),
             saved AS (${savePositions(end.source, end.positions)})
        SELECT partition FROM held`,
  );
  if (held.length !== end.positions.size) {
    throw new PartitionFencedError(
      end.source,
      fencedOf(
        end.positions,
        held.map((h) => h.partition),
      ),
    );
  }
  // NOTIFY is delivered on commit, so workers and dashboards never see uncommitted rows. The live
  // hub is told which rides changed (a pointer it follows with one query), the mail workers how
  // many alerts wait.
  const channels: string[] = [];
  const payloads: string[] = [];
  for (const p of livePayloads(end.progress.map((x) => idOf(x.ride)))) {
    channels.push(LIVE_CHANNEL);
    payloads.push(p);
  }
  if (end.alerts.length > 0) {
    channels.push(ALERTS_CHANNEL);
    payloads.push(String(end.alerts.length));
  }
  if (channels.length > 0)
    await run(
      tx,
      sql`SELECT pg_notify(c, p) FROM unnest(${channels}::text[], ${payloads}::text[]) AS n(c, p)`,
    );
}

/** Fills in the telemetry of readings stored at a batch boundary without it. */
function completeReadings(done: readonly RideReading[], idOf: RideIdOf): Sql {
  return sql`
    UPDATE readings r SET heart_rate = c.hr, rpm = c.rpm, power_w = c.pw
    FROM unnest(${done.map((x) => idOf(x.ride))}::bigint[],
                ${done.map((x) => x.reading.elapsedS)}::int[],
                ${done.map((x) => x.reading.heartRate)}::int[],
                ${done.map((x) => x.reading.rpm)}::int[],
                ${done.map((x) => x.reading.powerW)}::float8[]) AS c(ride_id, elapsed_s, hr, rpm, pw)
    WHERE r.ride_id = c.ride_id AND r.elapsed_s = c.elapsed_s`;
}

/**
 * Writes each ride's figures. A summary never goes back: not when a replay re-counts a stored
 * ride from zero, nor when a process that lost a partition commits late.
 */
function updateSummaries(progress: readonly RideProgress[], idOf: RideIdOf): Sql {
  // One row per ride. Two ride objects for one stored ride (a replay within the batch): the one
  // that has counted more readings is the truer summary, as the guard has it across batches.
  const byRide = new Map<number, RideProgress>();
  for (const p of progress) {
    const id = idOf(p.ride);
    const seen = byRide.get(id);
    if (!seen || p.summary.readingCount >= seen.summary.readingCount) byRide.set(id, p);
  }
  const ids = [...byRide.keys()];
  const u = [...byRide.values()];
  const s = <T>(pick: (x: RideProgress['summary']) => T): T[] => u.map((x) => pick(x.summary));
  return sql`
    UPDATE rides r SET ended_at = s.ended_at, duration_s = s.duration_s,
      reading_count = s.reading_count,
      avg_heart_rate = s.avg_hr, min_heart_rate = s.min_hr, max_heart_rate = s.max_hr,
      avg_rpm = s.avg_rpm, avg_resistance = s.avg_res, avg_power_w = s.avg_pw,
      max_power_w = s.max_pw, energy_kj = s.energy_kj, seconds_above_max = s.above_max,
      heard_at = now()
    FROM unnest(${ids}::bigint[],
                ${u.map((x) => (x.endedAtMs === null ? null : isoFast(x.endedAtMs)))}::timestamptz[],
                ${s((x) => x.durationS)}::int[], ${s((x) => x.readingCount)}::int[],
                ${s((x) => x.avgHeartRate)}::float8[], ${s((x) => x.minHeartRate)}::int[],
                ${s((x) => x.maxHeartRate)}::int[], ${s((x) => x.avgRpm)}::float8[],
                ${s((x) => x.avgResistance)}::float8[], ${s((x) => x.avgPowerW)}::float8[],
                ${s((x) => x.maxPowerW)}::float8[], ${s((x) => x.energyKj)}::float8[],
                ${s((x) => x.secondsAboveMax)}::int[])
      AS s(ride_id, ended_at, duration_s, reading_count, avg_hr, min_hr, max_hr, avg_rpm, avg_res,
           avg_pw, max_pw, energy_kj, above_max)
    WHERE r.ride_id = s.ride_id AND s.reading_count >= r.reading_count`;
}

// PostgreSQL text cannot hold NUL; everything else of a rejected line is kept verbatim.
const storable = (s: string): string => (s.includes('\0') ? s.replace(/\0/g, '\\0') : s);

/**
 * Rejects are unique by position, so a replay stores none twice; RETURNING says which were new.
 * A line naming an erased rider from before `erased_until` is not stored: a replay must not
 * bring back what the erasure removed.
 */
function insertRejects(source: string, rejects: readonly RejectRow[]): Sql {
  const r = rejects;
  return sql`
    INSERT INTO rejected_messages (source, partition, position, raw, reason, rider_id)
    SELECT ${source}::text, x.partition, x.position, x.raw, x.reason, x.rider_id
    FROM unnest(${r.map((x) => x.partition)}::int[], ${r.map((x) => x.position)}::bigint[],
                ${r.map((x) => storable(x.raw))}::text[], ${r.map((x) => storable(x.reason))}::text[],
                ${r.map((x) => x.riderId)}::bigint[],
                ${r.map((x) => (x.atMs === null ? null : isoFast(x.atMs)))}::timestamptz[])
      AS x(partition, position, raw, reason, rider_id, at)
    -- Asked once per rider of the batch, not once per line.
    LEFT JOIN (SELECT rider_id, erased_until(rider_id) AS until
               FROM unnest(${[...new Set(r.map((x) => x.riderId).filter((id) => id !== null))]}::bigint[])
                 AS rider_id) e ON e.rider_id = x.rider_id
    WHERE e.until IS NULL OR x.at > e.until
    -- Ids in the feed's order, for people reading the table.
    ORDER BY x.partition, x.position
    ON CONFLICT (source, partition, position) DO NOTHING
    RETURNING partition`;
}

/** Adds the rejects stored now to their partitions' running counts (read by /metrics). */
function countRejects(source: string): Sql {
  return sql`
    INSERT INTO rejected_counts (source, partition, stored)
    SELECT ${source}::text, partition, count(*) FROM rejected GROUP BY partition ORDER BY partition
    ON CONFLICT (source, partition) DO UPDATE SET stored = rejected_counts.stored + EXCLUDED.stored`;
}

/** The outbox: an alert is unique by ride, kind and second, so a replay adds none. */
function insertAlerts(alerts: readonly RideAlert[], idOf: RideIdOf): Sql {
  const a = alerts;
  return sql`
    INSERT INTO alerts (ride_id, rider_id, kind, readings, limit_bpm, detected_at, elapsed_s)
    SELECT * FROM unnest(${a.map((x) => idOf(x.ride))}::bigint[],
      ${a.map((x) => x.ride.riderId)}::bigint[], ${a.map((x) => x.alert.kind)}::text[],
      ${a.map((x) => JSON.stringify(x.alert.readings.map((r) => ({ elapsed_s: r.elapsedS, at: isoFast(r.atMs), bpm: r.bpm }))))}::jsonb[],
      ${a.map((x) => x.alert.limitBpm)}::int[], ${a.map((x) => isoFast(x.alert.detectedAtMs))}::timestamptz[],
      ${a.map((x) => x.alert.readings[x.alert.readings.length - 1]!.elapsedS)}::int[])
    ON CONFLICT (ride_id, kind, elapsed_s) DO NOTHING`;
}

/** Stored positions never move back (a replay from an older position, e.g. after a restart). */
function savePositions(source: string, positions: ReadonlyMap<number, SourcePosition>): Sql {
  const entries = [...positions];
  return sql`
    INSERT INTO source_offsets (source, partition, position, identity)
    SELECT ${source}, * FROM unnest(${entries.map(([p]) => p)}::int[],
                                    ${entries.map(([, pos]) => pos.next)}::bigint[],
                                    ${entries.map(([, pos]) => pos.identity)}::text[])
    ON CONFLICT (source, partition) DO UPDATE
      SET position = EXCLUDED.position, identity = EXCLUDED.identity, updated_at = now()
      WHERE source_offsets.position < EXCLUDED.position`;
}
