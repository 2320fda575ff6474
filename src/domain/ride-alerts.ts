import {
  newHeartRateState,
  observeHeartRate,
  type AlertSettings,
  type HeartRateAlert,
  type HeartRateState,
} from './heart-rate.js';
import type { RideStart } from './ride.js';
import type { Reading } from './ride-summary.js';

/** Watches every ride's readings for sustained abnormal heart rates; keeps its own state per ride. */
export class RideAlertDetector {
  // Weak: a ride the tracker has let go of (ended, or rebuilt after a rebalance) is forgotten here too.
  private readonly states = new WeakMap<RideStart, HeartRateState>();
  private lastRide: RideStart | null = null;
  private lastState: HeartRateState | undefined;

  constructor(private readonly settings: AlertSettings) {}

  /** Feeds one new reading of a ride; returns the alert it completes, if any. */
  observe(ride: RideStart, r: Reading): HeartRateAlert | null {
    // Readings of one ride come in runs: the last state found is kept at hand.
    let state = ride === this.lastRide ? this.lastState : this.states.get(ride);
    if (!state) {
      // With no birth date there is no personal maximum: only low alerts apply.
      state = newHeartRateState(ride.personalMaxBpm ?? Infinity);
      this.states.set(ride, state);
    }
    this.lastRide = ride;
    this.lastState = state;
    return observeHeartRate(state, r, this.settings);
  }
}
