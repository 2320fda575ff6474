// How long a crashed consumer waits before a new member rejoins the group.
//
// The first rejoin is quick: the crashed member's LeaveGroup has just started a rebalance, and a
// member that joins while the group still gathers members (the coordinator waits up to the
// rebalance timeout) makes it one rebalance, not two. Crashes in a row back off, up to 30 s, so a
// broken cluster is not hammered; a member that ran for a while starts again from the quick wait,
// or a crash a day would leave a week-old process waiting 30 s each time.

const FIRST_MS = 250;
const FACTOR = 4;
const MAX_MS = 30_000;
/** A member that ran this long before it crashed was healthy: its next crash is a first one. */
export const STABLE_RUN_MS = 60_000;

/** Wait times for the rejoins of one reader. */
export class RejoinBackoff {
  private crashes = 0;

  /** The wait before the next rejoin, given how long the crashed member had run. */
  next(ranMs: number): number {
    if (ranMs >= STABLE_RUN_MS) this.crashes = 0;
    const waitMs = Math.min(FIRST_MS * FACTOR ** this.crashes, MAX_MS);
    this.crashes++;
    return waitMs;
  }
}
