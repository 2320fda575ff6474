import type { RideReading, RideStart } from '../domain/ride.js';
import type { Queryable } from './db.js';
import type { IngestBatch } from './ingest-batch.js';
import { finishBatch } from './ingest-finish.js';
import { storeStartedRides } from './ingest-rides.js';
import { copyReadings, insertReadingsTolerant } from './readings-copy.js';
import type { RideIds, StoredRide } from './ride-ids.js';
import { orderAfterErasures } from './riders.repository.js';

/** What a batch write did, for logs and metrics, and what it learned about rides. */
export interface WriteResult {
  readonly readings: number;
  readonly rides: number;
  readonly rejects: number;
  /** Some rows were stored already (a replay) and took the conflict-tolerant path. */
  readonly replayed: boolean;
  /** Ids of rides stored now, and rides refused: the caller records them once the batch commits. */
  readonly learned: ReadonlyMap<RideStart, StoredRide>;
}

const REFUSED: StoredRide = { kind: 'refused' };

/**
 * Writes one batch; call inside a transaction so rows and positions commit together. Round trips
 * are few on purpose (a batch's latency bounds ingest): rides with their riders in one
 * statement, readings by COPY, everything else in one statement. `tolerant` sends every reading
 * through ON CONFLICT, for a batch that collided unexpectedly.
 */
export async function writeBatch(
  tx: Queryable,
  batch: IngestBatch,
  known: RideIds,
  opts: { tolerant?: boolean } = {},
): Promise<WriteResult> {
  if (batch.started.length > 0 || batch.rejects.some((r) => r.riderId !== null))
    await orderAfterErasures(tx);
  const learned = await storeStartedRides(tx, batch.started);
  const stored = (ride: RideStart): StoredRide | undefined => learned.get(ride) ?? known.get(ride);
  const live = await lockLiveRides(tx, batch, stored);
  for (const ride of live.gone) learned.set(ride, REFUSED);
  // Readings of one ride come in runs: the last answer is kept.
  let lastRide: RideStart | null = null;
  let lastId = 0;
  const idOf = (ride: RideStart): number => {
    if (ride !== lastRide) {
      lastRide = ride;
      lastId = live.ids.get(ride)!;
    }
    return lastId;
  };
  const ofLive = <T extends { ride: RideStart }>(xs: readonly T[]): readonly T[] =>
    live.gone.size === 0 ? xs : xs.filter((x) => live.ids.has(x.ride));
  const fresh: RideReading[] = [];
  const replayed: RideReading[] = [];
  for (const rr of ofLive(batch.readings)) {
    const s = stored(rr.ride);
    (opts.tolerant || (s?.kind === 'stored' && s.replayed) ? replayed : fresh).push(rr);
  }
  await copyReadings(tx, fresh, idOf);
  await insertReadingsTolerant(tx, replayed, idOf);
  await finishBatch(
    tx,
    {
      source: batch.source,
      completions: ofLive(batch.completions),
      progress: ofLive(batch.progress),
      rejects: batch.rejects,
      alerts: ofLive(batch.alerts),
      positions: batch.positions,
    },
    idOf,
  );
  return {
    readings: fresh.length + replayed.length,
    rides: [...learned.values()].filter((s) => s.kind === 'stored').length,
    rejects: batch.rejects.length,
    replayed: replayed.length > 0,
    learned,
  };
}

/**
 * The ids of the batch's rides whose rows still exist, locked (FOR KEY SHARE) so that a
 * concurrent delete waits for this batch; and the rides gone: refused at their start (an erased
 * rider's), or deleted while open over the API. What the batch holds for those is dropped, or it
 * would be stored with no ride.
 */
async function lockLiveRides(
  tx: Queryable,
  batch: IngestBatch,
  stored: (ride: RideStart) => StoredRide | undefined,
): Promise<{ ids: Map<RideStart, number>; gone: Set<RideStart> }> {
  const candidates = new Map<RideStart, number>();
  const gone = new Set<RideStart>();
  for (const xs of [batch.progress, batch.readings, batch.completions])
    for (const { ride } of xs) {
      if (candidates.has(ride) || gone.has(ride)) continue;
      const s = stored(ride);
      if (s?.kind === 'stored') candidates.set(ride, s.rideId);
      else gone.add(ride);
    }
  if (candidates.size === 0) return { ids: candidates, gone };
  const distinct = [...new Set(candidates.values())];
  const rows = await tx.query<{ ride_id: number }>(
    'SELECT ride_id FROM rides WHERE ride_id = ANY($1::bigint[]) FOR KEY SHARE',
    [distinct],
  );
  if (rows.length === distinct.length) return { ids: candidates, gone };
  const present = new Set(rows.map((r) => r.ride_id));
  for (const [ride, id] of candidates)
    if (!present.has(id)) {
      candidates.delete(ride);
      gone.add(ride);
    }
  return { ids: candidates, gone };
}
