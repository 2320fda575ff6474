import {
  ageOn,
  maxHeartRate,
  newHeartRateState,
  observeHeartRate,
  type AlertSettings,
  type HeartRateAlert,
} from './heart-rate.js';
import type { OpenRide } from './ride-tracker.js';
import type { Reading } from './ride-summary.js';

/** Watches every ride's readings for sustained abnormal heart rates. */
export class RideAlertDetector {
  constructor(private readonly settings: AlertSettings) {}

  /** Feeds one new reading of a ride; returns the alert it completes, if any. */
  observe(ride: OpenRide, r: Reading): HeartRateAlert | null {
    ride.heartRate ??= newHeartRateState(this.maxBpm(ride));
    return observeHeartRate(ride.heartRate, r, this.settings);
  }

  /** The rider's maximum at the ride's date; with no birth date there is no personal maximum. */
  private maxBpm(ride: OpenRide): number {
    const birth = ride.rider.birthDate;
    if (birth === null) return Infinity;
    return maxHeartRate(ageOn(birth, ride.startedAtMs), ride.rider.gender, this.settings.formula);
  }
}
