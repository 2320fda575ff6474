// Summaries of measured samples: percentiles by nearest rank, and the trend of a series.
import { round } from './output.js';

/** Percentile by nearest rank of ascending `sorted`; NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** How a set of latencies is reported. */
export interface Spread {
  readonly n: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** p50/p95/p99/max of `values` (any order), rounded for the report. */
export function spread(values: readonly number[]): Spread {
  const s = [...values].sort((a, b) => a - b);
  return {
    n: s.length,
    p50: round(percentile(s, 50)),
    p95: round(percentile(s, 95)),
    p99: round(percentile(s, 99)),
    max: round(s.at(-1) ?? NaN),
  };
}

/** The same from a histogram of 1 ms buckets (bucket i counts values in [i, i + 1) ms). */
export function spreadOfHistogram(counts: readonly number[], offsetMs = 0): Spread {
  const n = counts.reduce((a, b) => a + b, 0);
  const at = (p: number): number => {
    const rank = Math.max(1, Math.ceil((p / 100) * n));
    let seen = 0;
    for (let i = 0; i < counts.length; i++) {
      seen += counts[i] ?? 0;
      if (seen >= rank) return i + offsetMs;
    }
    return NaN;
  };
  let max = NaN;
  for (let i = counts.length - 1; i >= 0; i--)
    if ((counts[i] ?? 0) > 0) {
      max = i + offsetMs;
      break;
    }
  return { n, p50: round(at(50)), p95: round(at(95)), p99: round(at(99)), max: round(max) };
}

/** Least-squares slope of `value` over `atMs`, per minute; NaN with fewer than two points. */
export function slopePerMinute(points: readonly { atMs: number; value: number }[]): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((a, p) => a + p.atMs, 0) / n;
  const my = points.reduce((a, p) => a + p.value, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.atMs - mx) * (p.value - my);
    den += (p.atMs - mx) ** 2;
  }
  return den === 0 ? NaN : (num / den) * 60_000;
}
