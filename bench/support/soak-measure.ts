// What the soak (bench/soak.ts) samples once a second, and the checks it makes of the samples.
import type { Json } from './output.js';
import { round } from './output.js';
import { percentile } from './stats.js';

/** One second of the soak. */
export interface SoakSample {
  /** Seconds since the producer started. */
  readonly atS: number;
  /** `deloton_feed_lag_seconds`' query, read directly (the metric caches it for 10 s). */
  readonly lagS: number | null;
  /** VmRSS of each process in MB, by name; null once it is gone. */
  readonly rssMb: Readonly<Record<string, number | null>>;
}

/** p50/p99/max of the lag over samples from `fromS` on, in seconds. */
export function lagSpread(samples: readonly SoakSample[], fromS: number) {
  const lags = samples
    .filter((s) => s.atS >= fromS && s.lagS !== null)
    .map((s) => s.lagS!)
    .sort((a, b) => a - b);
  return {
    n: lags.length,
    p50: round(percentile(lags, 50)),
    p99: round(percentile(lags, 99)),
    max: round(lags.at(-1) ?? NaN),
  };
}

/**
 * Per process: peak RSS over the middle and the last third of the run, and whether the last stays
 * within `growth` of the middle (the first third holds start-up and the consumer group joining).
 */
export function rssThirds(
  samples: readonly SoakSample[],
  growth: number,
): { [name: string]: { middleMb: number; lastMb: number; maxMb: number; flat: boolean } } {
  const end = samples.at(-1)?.atS ?? 0;
  const out: {
    [name: string]: { middleMb: number; lastMb: number; maxMb: number; flat: boolean };
  } = {};
  const names = new Set(samples.flatMap((s) => Object.keys(s.rssMb)));
  for (const name of names) {
    let middle = 0;
    let last = 0;
    let max = 0;
    for (const s of samples) {
      const mb = s.rssMb[name];
      if (mb === null || mb === undefined) continue;
      max = Math.max(max, mb);
      if (s.atS > (2 * end) / 3) last = Math.max(last, mb);
      else if (s.atS > end / 3) middle = Math.max(middle, mb);
    }
    out[name] = { middleMb: middle, lastMb: last, maxMb: max, flat: last <= middle * growth };
  }
  return out;
}

/** The soak's figures as JSON. */
export function rssJson(thirds: ReturnType<typeof rssThirds>): Json {
  return Object.fromEntries(Object.entries(thirds).map(([k, v]) => [k, { ...v }]));
}
