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
  /**
   * The largest `deloton_ingest_lag_seconds` of any partition of any ingest process (now minus
   * when its newest stored message was produced); null when no process reported one.
   */
  readonly partitionLagS: number | null;
  /** VmRSS of each process in MB, by name; null once it is gone. */
  readonly rssMb: Readonly<Record<string, number | null>>;
  /**
   * `deloton_heap_live_bytes` of each platform process in MB (the heap after its newest full
   * collection), scraped every 10 s; absent in the seconds between.
   */
  readonly liveHeapMb?: Readonly<Record<string, number | null>>;
}

/** p50/p99/max of a lag (the feed's, or the partitions') over samples from `fromS` on, in seconds. */
export function lagSpread(
  samples: readonly SoakSample[],
  fromS: number,
  pick: (s: SoakSample) => number | null = (s) => s.lagS,
) {
  const lags = samples
    .filter((s) => s.atS >= fromS)
    .map(pick)
    .filter((x): x is number => x !== null)
    .sort((a, b) => a - b);
  return {
    n: lags.length,
    p50: round(percentile(lags, 50)),
    p99: round(percentile(lags, 99)),
    max: round(lags.at(-1) ?? NaN),
  };
}

/** The first 30 seconds after `fromS` at which either lag reached `target`: [s, feed, partitions]. */
export function lagSpikes(samples: readonly SoakSample[], fromS: number, target: number): Json {
  return samples
    .filter((x) => x.atS >= fromS && Math.max(x.lagS ?? 0, x.partitionLagS ?? 0) >= target)
    .slice(0, 30)
    .map((x) => [round(x.atS), x.lagS, x.partitionLagS]);
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

/** A process's /metrics text; null if it did not answer within 2 s. */
async function scrape(metricsUrl: string): Promise<string | null> {
  try {
    const res = await fetch(metricsUrl, { signal: AbortSignal.timeout(2_000) });
    return await res.text();
  } catch {
    return null;
  }
}

/** `deloton_heap_live_bytes` from a process's /metrics, in MB; null if unreachable or not yet set. */
export async function scrapeLiveHeapMb(metricsUrl: string): Promise<number | null> {
  const m = /^deloton_heap_live_bytes (\S+)$/m.exec((await scrape(metricsUrl)) ?? '');
  // Never set (no full collection yet) reads 0: not a figure.
  return m && Number(m[1]) > 0 ? round(Number(m[1]) / 2 ** 20) : null;
}

/** The largest `deloton_ingest_lag_seconds{partition}` of the processes' /metrics; null if none. */
export async function scrapePartitionLagS(metricsUrls: readonly string[]): Promise<number | null> {
  const texts = await Promise.all(metricsUrls.map(scrape));
  const lags = texts.flatMap((t) =>
    [...(t ?? '').matchAll(/^deloton_ingest_lag_seconds\{partition="\d+"\} (\S+)$/gm)].map((m) =>
      Number(m[1]),
    ),
  );
  return lags.length ? round(Math.max(...lags)) : null;
}
