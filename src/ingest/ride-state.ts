import type { Logger } from 'pino';
import type { MaxHrFormula } from '../domain/heart-rate.js';
import type { RideAlertDetector } from '../domain/ride-alerts.js';
import { RideTracker } from '../domain/ride-tracker.js';
import type { Db } from '../store/db.js';
import { loadOpenRides, loadRideHeartRates } from '../store/open-rides.repository.js';
import { RideIds } from '../store/ride-ids.js';
import { waitingOutOutages } from './outage-wait.js';

/** The pipeline's rides in progress: the tracker's state and the store's ids, kept together. */
export interface RideState {
  readonly tracker: RideTracker;
  readonly ids: RideIds;
}

export interface RestoreOptions {
  readonly db: Db;
  readonly formula: MaxHrFormula;
  /** Caught up on the stored readings of the rides continued; null when alerts are off. */
  readonly detector: RideAlertDetector | null;
  readonly logger: Logger;
  readonly signal: AbortSignal;
}

/**
 * The ride state continuing what the database holds: open rides with their totals and any
 * pending `Ride` line, rides deleted while open (ignored), and the alert detector caught up.
 */
export async function restoreRideState(o: RestoreOptions): Promise<RideState> {
  const snapshot = await waitingOutOutages(
    'loading open rides',
    () => loadOpenRides(o.db, o.formula),
    o,
  );
  const ids = new RideIds();
  ids.learn(
    new Map(
      snapshot.open.map((r) => [
        r.state.ride,
        { kind: 'stored', rideId: r.rideId, replayed: false },
      ]),
    ),
  );
  if (o.detector) await catchUpDetector(o, o.detector, snapshot.open);
  const tracker = new RideTracker({ formula: o.formula });
  tracker.restore(
    snapshot.open.map((r) => r.state),
    snapshot.ignored,
  );
  if (snapshot.open.length > 0)
    o.logger.info({ openRides: snapshot.open.length }, 'continuing rides left open');
  return { tracker, ids };
}

/**
 * The detector's state follows from the stored readings; the alerts it finds again were stored
 * with them, so they are dropped here.
 */
async function catchUpDetector(
  o: RestoreOptions,
  detector: RideAlertDetector,
  open: Awaited<ReturnType<typeof loadOpenRides>>['open'],
): Promise<void> {
  const byId = new Map(open.map((r) => [r.rideId, r.state.ride]));
  const rows = await waitingOutOutages(
    'loading heart rates',
    () => loadRideHeartRates(o.db, [...byId.keys()]),
    o,
  );
  for (const row of rows) {
    const ride = byId.get(row.ride_id);
    if (!ride) continue;
    detector.observe(ride, {
      elapsedS: row.elapsed_s,
      recordedAtMs: row.recorded_at.getTime(),
      heartRate: row.heart_rate,
      rpm: row.rpm,
      resistance: null,
      powerW: null,
    });
  }
}
