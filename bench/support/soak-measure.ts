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
  /**
   * `deloton_heap_live_bytes` of each platform process in MB (the heap after its newest full
   * collection), scraped every 10 s; absent in the seconds between.
   */
  readonly liveHeapMb?: Readonly<Record<string, number | null>>;
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

/** One process's figure over the middle and the last third of the run: peaks and medians. */
export interface Thirds {
  readonly middleMb: number;
  readonly lastMb: number;
  readonly middleMedianMb: number;
  readonly lastMedianMb: number;
  readonly maxMb: number;
  /** The last third's peak within `growth` of the middle third's. */
  readonly peakFlat: boolean;
  /** The last third's median within `growth` of the middle third's. */
  readonly medianFlat: boolean;
}

/**
 * Per process: a figure (RSS, or the live heap) over the middle and the last third of the run
 * (the first third holds start-up and the consumer group joining), and whether the last stays
 * within `growth` of the middle, by peak and by median.
 */
export function thirds(
  samples: readonly SoakSample[],
  pick: (s: SoakSample) => Readonly<Record<string, number | null>> | undefined,
  growth: number,
): Record<string, Thirds> {
  const end = samples.at(-1)?.atS ?? 0;
  const out: Record<string, Thirds> = {};
  const names = new Set(samples.flatMap((s) => Object.keys(pick(s) ?? {})));
  for (const name of names) {
    const middle: number[] = [];
    const last: number[] = [];
    let max = 0;
    for (const s of samples) {
      const mb = pick(s)?.[name];
      if (mb === null || mb === undefined) continue;
      max = Math.max(max, mb);
      if (s.atS > (2 * end) / 3) last.push(mb);
      else if (s.atS > end / 3) middle.push(mb);
    }
    const peak = (xs: number[]): number => Math.max(0, ...xs);
    const median = (xs: number[]): number =>
      xs.length
        ? percentile(
            [...xs].sort((a, b) => a - b),
            50,
          )
        : 0;
    out[name] = {
      middleMb: peak(middle),
      lastMb: peak(last),
      middleMedianMb: round(median(middle)),
      lastMedianMb: round(median(last)),
      maxMb: max,
      peakFlat: peak(last) <= peak(middle) * growth,
      medianFlat: median(last) <= median(middle) * growth,
    };
  }
  return out;
}

/** The thirds as JSON. */
export function thirdsJson(t: Record<string, Thirds>): Json {
  return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, { ...v }]));
}

/** `deloton_heap_live_bytes` from a process's /metrics, in MB; null if unreachable or not yet set. */
export async function scrapeLiveHeapMb(metricsUrl: string): Promise<number | null> {
  try {
    const res = await fetch(metricsUrl, { signal: AbortSignal.timeout(2_000) });
    const m = /^deloton_heap_live_bytes (\S+)$/m.exec(await res.text());
    return m ? round(Number(m[1]) / 2 ** 20) : null;
  } catch {
    return null;
  }
}
