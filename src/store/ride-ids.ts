import type { RideStart } from '../domain/ride.js';

/** What the store knows of a ride it has been asked to write. */
export type StoredRide =
  | {
      readonly kind: 'stored';
      readonly rideId: number;
      /** Its row was there before (a replay): some of its readings may be stored too. */
      readonly replayed: boolean;
    }
  /** Refused (an erased rider's, or a deleted ride's): whatever more comes of it is dropped. */
  | { readonly kind: 'refused' };

/**
 * The store's own record of the rides a pipeline writes: the id each got, or that it was refused.
 * Keyed weakly by the ride, so a ride the tracker has let go of is forgotten here too.
 */
export class RideIds {
  private readonly known = new WeakMap<RideStart, StoredRide>();

  /** What is known of the ride, or undefined for a ride never written. */
  get(ride: RideStart): StoredRide | undefined {
    return this.known.get(ride);
  }

  /** Records what a committed batch learned. */
  learn(learned: ReadonlyMap<RideStart, StoredRide>): void {
    for (const [ride, stored] of learned) this.known.set(ride, stored);
  }
}
