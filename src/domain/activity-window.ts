// The recent-activity windows the dashboard offers, and the time buckets each is charted in.
import { zoneOffsetMs } from './feed-time.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/** The ranges, shortest first. */
export const ACTIVITY_RANGE_NAMES = ['1h', '6h', '12h', '24h', '7d'] as const;

export type ActivityRange = (typeof ACTIVITY_RANGE_NAMES)[number];

/** Each range: how far back it reaches, and the length of one bucket of its chart over time. */
export const ACTIVITY_RANGES: Readonly<
  Record<ActivityRange, { readonly spanMs: number; readonly bucketMs: number }>
> = {
  '1h': { spanMs: HOUR_MS, bucketMs: 5 * MINUTE_MS },
  '6h': { spanMs: 6 * HOUR_MS, bucketMs: 15 * MINUTE_MS },
  '12h': { spanMs: 12 * HOUR_MS, bucketMs: 30 * MINUTE_MS },
  '24h': { spanMs: 24 * HOUR_MS, bucketMs: HOUR_MS },
  '7d': { spanMs: 7 * 24 * HOUR_MS, bucketMs: 6 * HOUR_MS },
};

/**
 * A window [fromMs, untilMs) and the buckets that cover it: `count` buckets of `bucketMs`, the
 * first starting at `originMs` (at or before `fromMs`), so the first and last may reach outside
 * the window. Rides are counted in the window only; each falls in exactly one bucket.
 */
export interface ActivityWindow {
  readonly range: ActivityRange;
  readonly fromMs: number;
  readonly untilMs: number;
  readonly bucketMs: number;
  readonly originMs: number;
  readonly count: number;
}

/**
 * The window of `range` ending at `nowMs`. Buckets start on whole multiples of their length in
 * `timeZone`'s local time (6-hour buckets at 00:00, 06:00, ... there, half-hour ones on the half
 * hour in a zone 5:30 from UTC), taking the zone's offset at the window's end: across a clock
 * change inside a 7-day window, the buckets before it sit an hour off the local hour.
 */
export function activityWindow(
  range: ActivityRange,
  nowMs: number,
  timeZone: string,
): ActivityWindow {
  const { spanMs, bucketMs } = ACTIVITY_RANGES[range];
  const untilMs = nowMs;
  const fromMs = untilMs - spanMs;
  const offsetMs = zoneOffsetMs(timeZone, untilMs);
  const originMs = Math.floor((fromMs + offsetMs) / bucketMs) * bucketMs - offsetMs;
  return {
    range,
    fromMs,
    untilMs,
    bucketMs,
    originMs,
    count: Math.ceil((untilMs - originMs) / bucketMs),
  };
}
