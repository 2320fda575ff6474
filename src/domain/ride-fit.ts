// Whether a line fits the ride it would join: by its second count and by its time.

// A second this far past the ride's last one is a clock or counter glitch, not a gap: taken as
// true, it would make every later line of the ride look like a replay of stored seconds.
const MAX_GAP_S = 900;
const MAX_RIDE_S = 86_400;

/**
 * Why a line dated `atMs` cannot belong to the ride, or null: a line of a ride is dated after its
 * start, and within the longest gap of its last reading. Its second count alone would let a ride
 * dated 2999 take readings of today, or a ride take a reading two days after it.
 */
export function outOfTime(
  ride: { readonly startedAtMs: number },
  lastAtMs: number,
  atMs: number,
): string | null {
  if (atMs < ride.startedAtMs)
    return `line is dated ${seconds(ride.startedAtMs - atMs)} before its ride began: it is not of this ride`;
  if (atMs - lastAtMs > MAX_GAP_S * 1000)
    return `line is dated ${seconds(atMs - lastAtMs)} after its ride's last reading (over ${MAX_GAP_S} s): it is not of this ride`;
  return null;
}

/** A span for people: seconds, or whole days once it is that long. */
const seconds = (ms: number): string =>
  ms >= 86_400_000 ? `${Math.round(ms / 86_400_000)} days` : `${Math.round(ms / 1000)} s`;

/** Why a second cannot follow the ride's last one (a counter glitch), or null. */
export function tooFarAhead(lastElapsedS: number, elapsedS: number): string | null {
  if (elapsedS > MAX_RIDE_S) return `second ${elapsedS} is beyond a day of riding`;
  const last = Math.max(lastElapsedS, 0);
  if (elapsedS - last > MAX_GAP_S)
    return `second ${elapsedS} jumps ${elapsedS - last} s past the ride's last second ${last}`;
  return null;
}
