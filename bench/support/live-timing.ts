// Timing the live dashboard's path from outside: a Node SSE client notes when each (ride,
// reading) reached it, a NOTIFY listener when each ride's batch committed, and these split a
// page's latency into ingest, hub and browser.
import type { LiveEvent } from '../../src/domain/live-ride.js';
import type { Floor, IngestProgress } from './live-floor.js';
import type { PageSample } from './live-page.js';
import { round, type Json } from './output.js';
import { spread, type Spread } from './stats.js';

// A tile's `data-at` is its reading's recorded time: the time of the reading's Ride line. The
// reading is complete (heart rate, rpm, power) only with its Telemetry line, which the simulator
// emits one 0.5 s tick later; only then can the dashboard show it.
export const TELEMETRY_AFTER_MS = 500;

/** First-seen arrival of each (ride, reading) at a Node SSE client, while `on`. */
export interface SseLog {
  on: boolean;
  readonly seen: Map<string, number>;
}

/** One (ride, reading) as a map key. */
export const sampleKey = (rideId: number, atMs: number): string => `${rideId}:${atMs}`;

/** Notes the arrival of each (ride, reading) in the stream's deltas. */
export function sseRecorder(log: SseLog): (e: LiveEvent, receivedMs: number) => void {
  return (e, receivedMs) => {
    if (!log.on || e.kind !== 'delta') return;
    for (const r of e.upsert) {
      if (!r.latest) continue;
      const k = sampleKey(r.rideId, r.latest.atMs);
      if (!log.seen.has(k)) log.seen.set(k, receivedMs);
    }
  };
}

/** The first time in ascending `times` at or after `t`. */
export function firstAtOrAfter(
  times: readonly number[] | undefined,
  t: number,
): number | undefined {
  if (!times) return undefined;
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return times[lo];
}

/**
 * The server's part of each reading the timing client received: from its Telemetry line entering
 * the source to the batch's NOTIFY (batching, write, commit), and from there to the SSE event
 * (the hub's query, serializing, sending).
 */
export function serverSplit(floor: Floor, sse: SseLog): Json {
  const ingest: number[] = [];
  const hub: number[] = [];
  const total: number[] = [];
  for (const [k, sseMs] of sse.seen) {
    const [rideId, atMs] = k.split(':').map(Number) as [number, number];
    const entered = atMs + TELEMETRY_AFTER_MS;
    total.push(sseMs - entered);
    const notifyMs = firstAtOrAfter(floor.notifies.times.get(rideId), entered);
    if (notifyMs === undefined || notifyMs > sseMs) continue;
    ingest.push(notifyMs - entered);
    hub.push(sseMs - notifyMs);
  }
  return {
    sourceToSseMs: spreadJson(spread(total)),
    sourceToNotifyMs: spreadJson(spread(ingest)),
    notifyToSseMs: spreadJson(spread(hub)),
  };
}

/** The browser's part: from the timing client receiving the event to the page's DOM showing it. */
export function browserPart(samples: readonly PageSample[], sse: SseLog): Json {
  const part: number[] = [];
  for (const s of samples) {
    const sseMs = sse.seen.get(sampleKey(s.rideId, s.atMs));
    if (sseMs !== undefined) part.push(s.domMs - sseMs);
  }
  return spreadJson(spread(part));
}

/** A spread as a JSON value. */
export const spreadJson = (s: Spread): Json => ({ ...s });

/** The ingest's batches over a window, from its progress lines (logged every 5 s). */
export function batchRate(from: IngestProgress | null, to: IngestProgress | null): Json {
  if (!from || !to || to.batches <= from.batches) return null;
  const batches = to.batches - from.batches;
  return {
    perSecond: round((batches * 1000) / (to.atMs - from.atMs)),
    messagesPerBatch: round((to.messages - from.messages) / batches),
  };
}

/** This process's CPU over a window (its SSE clients), as % of one core. */
export const benchPercent = (used: NodeJS.CpuUsage, wallS: number): number =>
  Math.round(((used.user + used.system) / 1e6 / wallS) * 100);
