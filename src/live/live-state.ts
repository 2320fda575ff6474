import type { LiveRide } from '../domain/live-ride.js';
import type { LiveRideRow } from '../store/live-rides.repository.js';

/** What one refresh changed: rides to draw anew, rides whose tiles leave. */
export interface LiveChange {
  readonly upsert: readonly LiveRide[];
  readonly ended: readonly number[];
}

/** A stored row as the dashboard shows it, with the rider's name (the hub strips it per role). */
export function toLiveRide(r: LiveRideRow): LiveRide {
  const name = [r.first_name, r.last_name].filter(Boolean).join(' ');
  return {
    rideId: r.ride_id,
    bikeSerial: r.bike_serial,
    riderId: r.rider_id,
    ...(name ? { name } : {}),
    gender: r.gender ?? 'unknown',
    age: r.rider_age,
    personalMaxBpm: r.personal_max_bpm,
    startedAtMs: r.started_at.getTime(),
    endedAtMs: r.ended_at?.getTime() ?? null,
    heardAtMs: r.heard_at.getTime(),
    durationS: r.duration_s,
    avgHeartRate: r.avg_heart_rate,
    maxHeartRate: r.max_heart_rate,
    avgPowerW: r.avg_power_w,
    energyKj: r.energy_kj,
    alerts: r.alerts,
    lastAlertKind: r.last_alert_kind,
    latest:
      r.elapsed_s === null || r.recorded_at === null
        ? null
        : {
            elapsedS: r.elapsed_s,
            atMs: r.recorded_at.getTime(),
            heartRate: r.heart_rate,
            rpm: r.rpm,
            resistance: r.resistance,
            powerW: r.power_w,
          },
  };
}

/**
 * The rides being ridden, as this process last read them. Refreshes come as rows; the state says
 * what changed, so that browsers get only that.
 */
export class LiveState {
  private readonly rides = new Map<number, { ride: LiveRide; json: string }>();

  /** Every ride being ridden, by ride id. */
  all(): LiveRide[] {
    return [...this.rides.values()].map((x) => x.ride);
  }

  get size(): number {
    return this.rides.size;
  }

  /**
   * Applies rows read for `asked` ride ids (a NOTIFY's pointer), or, with `asked` null, the full
   * list of open rides: a ride that ended, was deleted, or is no longer listed leaves.
   */
  apply(rows: readonly LiveRideRow[], asked: readonly number[] | null): LiveChange {
    const upsert: LiveRide[] = [];
    const ended: number[] = [];
    const seen = new Set<number>();
    for (const row of rows) {
      seen.add(row.ride_id);
      const had = this.rides.get(row.ride_id);
      if (row.ended_at !== null) {
        if (had) {
          this.rides.delete(row.ride_id);
          ended.push(row.ride_id);
        }
        continue;
      }
      const ride = toLiveRide(row);
      const json = JSON.stringify(ride);
      if (had?.json === json) continue;
      this.rides.set(row.ride_id, { ride, json });
      upsert.push(ride);
    }
    const gone = asked ?? [...this.rides.keys()];
    for (const id of gone) if (!seen.has(id) && this.rides.delete(id)) ended.push(id);
    return { upsert, ended };
  }
}
