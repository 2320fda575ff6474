import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { parseLine, unwrapMessage } from '../domain/feed.js';
import type { AlertSettings } from '../domain/heart-rate.js';
import { RideAlertDetector } from '../domain/ride-alerts.js';
import { RideTracker } from '../domain/ride-tracker.js';
import { isCollision, isTransientDbError, type Db } from '../store/db.js';
import type { IngestBatch } from '../store/ingest-batch.js';
import { writeBatch } from '../store/ingest-writer.js';
import { loadOpenRides, loadRideHeartRates } from '../store/open-rides.repository.js';
import { loadPositions } from '../store/offsets.repository.js';
import { BatchBuilder } from './batch-builder.js';
import type { Source, SourceMessage } from './source.js';

export interface PipelineOptions {
  readonly db: Db;
  readonly source: Source;
  /** IANA zone of the bikes' clocks. */
  readonly feedTimeZone: string;
  /** A batch is written once it holds this many messages... */
  readonly maxBatchMessages: number;
  /** ...or once its first message has waited this long. */
  readonly maxBatchWaitMs: number;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  /** Heart-rate alert settings; without them no alerts are detected. */
  readonly alerts?: AlertSettings;
  /** Called after each committed batch (progress, metrics). */
  readonly onCommit?: (batch: IngestBatch, stats: PipelineStats) => void;
}

/** Running totals of a pipeline, also its health. */
export interface PipelineStats {
  messages: number;
  readings: number;
  rejects: number;
  batches: number;
  replayedBatches: number;
  /** Set while the database is failing; cleared by the next commit. */
  lastError: string | null;
  lastCommitAtMs: number | null;
}

const TIMEOUT = Symbol('timeout');
const REBUILD = Symbol('rebuild');

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Runs source → parse → track → batched transactional writes until the source ends or `signal` aborts. */
export async function runPipeline(o: PipelineOptions): Promise<PipelineStats> {
  const stats: PipelineStats = {
    messages: 0,
    readings: 0,
    rejects: 0,
    batches: 0,
    replayedBatches: 0,
    lastError: null,
    lastCommitAtMs: null,
  };
  const detector = o.alerts ? new RideAlertDetector(o.alerts) : null;
  let tracker = await restoredTracker(o, detector);
  const builder = new BatchBuilder(o.source.name, detector);
  let inFlight: Promise<void> = Promise.resolve();
  let writing = false;

  const handle = (msg: SourceMessage): void => {
    builder.begin(msg);
    const un = unwrapMessage(msg.value);
    if (un.kind === 'reject') return builder.reject(un.reason);
    const parsed = parseLine(un.line, o.feedTimeZone);
    if (parsed.kind === 'reject') return builder.reject(parsed.reason);
    const key = msg.key ?? un.key;
    if (key !== null && (key.includes('\0') || key.length > 200))
      return builder.reject('message key is not a bike serial (NUL byte or over 200 characters)');
    tracker.apply(key, parsed.event, builder);
  };

  const flush = async (): Promise<void> => {
    if (builder.count === 0) return;
    const batch = builder.seal(tracker.openRides());
    // One batch is written while the next is parsed; never more, so memory stays flat.
    await inFlight;
    writing = true;
    inFlight = commitWithRetry(o, batch, stats).finally(() => (writing = false));
  };

  // Every position load after the first means partitions moved (a Kafka rebalance): another
  // process may have written to these bikes. The loop commits what it has and rebuilds the
  // tracker first; only then are positions read, so state and positions agree.
  let loads = 0;
  const gate = {
    wanted: false,
    /** Wakes the loop while it waits for the source; replaced every iteration. */
    wake: (): void => undefined,
    done: (): void => undefined,
  };
  const load = async (partitions: readonly number[]): Promise<Map<number, number>> => {
    if (loads++ > 0) {
      const done = new Promise<void>((r) => (gate.done = r));
      gate.wanted = true;
      gate.wake();
      await done;
    }
    return withRetry(o, 'loading positions', () => loadPositions(o.db, o.source.name, partitions));
  };
  // The source stops when the pipeline does, for whatever reason, not only when told to: a
  // pipeline that failed must not leave its source waiting (and its shutdown with it).
  const reading = new AbortController();
  const stopReading = (): void => reading.abort();
  o.signal.addEventListener('abort', stopReading, { once: true });
  if (o.signal.aborted) reading.abort();
  const it = o.source.read(load, reading.signal)[Symbol.asyncIterator]();
  let next: Promise<IteratorResult<readonly SourceMessage[]>> | null = null;
  try {
    for (;;) {
      next ??= it.next();
      // The source has nothing ready and the database nothing to do: waiting longer only adds
      // latency. While a write is in flight, the batch keeps growing instead.
      const idle = builder.count > 0 && !writing && !(await settledSoon(next));
      const wait = builder.count > 0 ? raceTimeout(next, idle ? 0 : remaining(builder, o)) : next;
      // A fresh wake-up promise per wait: racing one long-lived promise would chain every
      // chunk ever read to it and keep them all in memory.
      const woken = new Promise<typeof REBUILD>((r) => (gate.wake = () => r(REBUILD)));
      // Should the rebuild win, the wait may still fail later: it is read again through `next`.
      wait.catch(() => undefined);
      const res = gate.wanted ? REBUILD : await Promise.race([wait, woken]);
      gate.wake = () => undefined;
      if (res === REBUILD) {
        await flush();
        await inFlight;
        tracker = await restoredTracker(o, detector);
        gate.wanted = false;
        gate.done();
        continue;
      }
      if (res === TIMEOUT) {
        await flush();
        continue;
      }
      next = null;
      if (res.done) break;
      for (const msg of res.value) {
        handle(msg);
        if (builder.count >= o.maxBatchMessages) await flush();
      }
      // Parsing is synchronous: let the in-flight write's replies in between chunks, or every
      // round trip of that write waits for a whole read-ahead buffer to be parsed.
      await yieldToEventLoop();
      if (builder.count > 0 && remaining(builder, o) === 0) await flush();
    }
    await flush();
    await inFlight;
  } finally {
    // A rejoin after the loop has ended has nothing left to rebuild; one waiting now is let go
    // (the source's shutdown waits for it).
    gate.wake = () => gate.done();
    gate.done();
    reading.abort();
    o.signal.removeEventListener('abort', stopReading);
    // Whatever ended the loop, the batch being written is finished before anyone closes the database.
    await inFlight.catch(() => undefined);
    await it.return?.();
  }
  return stats;
}

/** A tracker continuing the rides the database holds open, their alert detectors caught up. */
async function restoredTracker(
  o: PipelineOptions,
  detector: RideAlertDetector | null,
): Promise<RideTracker> {
  const tracker = new RideTracker();
  const open = await withRetry(o, 'loading open rides', () => loadOpenRides(o.db));
  if (detector) {
    // The detector's state follows from the stored readings; the alerts it finds again were
    // stored with them, so they are dropped here.
    const byId = new Map(open.map((r) => [r.rideId, r]));
    const rows = await withRetry(o, 'loading heart rates', () =>
      loadRideHeartRates(
        o.db,
        [...byId.keys()].filter((id): id is number => id !== null),
      ),
    );
    for (const row of rows) {
      const ride = byId.get(row.ride_id);
      if (!ride) continue;
      detector.observe(ride, {
        elapsedS: row.elapsed_s,
        recordedAtMs: row.recorded_at.getTime(),
        heartRate: row.heart_rate,
        rpm: row.rpm,
        resistance: null,
        powerW: null,
      });
    }
  }
  tracker.restore(open);
  if (open.length > 0) o.logger.info({ openRides: open.length }, 'continuing rides left open');
  return tracker;
}

function remaining(b: BatchBuilder, o: PipelineOptions): number {
  return Math.max(0, b.firstAtMs + o.maxBatchWaitMs - Date.now());
}

/** True when `p` settles within one turn of the event loop. */
async function settledSoon(p: Promise<unknown>): Promise<boolean> {
  let settled = false;
  const mark = (): void => {
    settled = true;
  };
  p.then(mark, mark);
  await new Promise((resolve) => setImmediate(resolve));
  return settled;
}

async function raceTimeout<T>(p: Promise<T>, ms: number): Promise<T | typeof TIMEOUT> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<typeof TIMEOUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMEOUT), ms);
  });
  try {
    return await Promise.race([p, t]);
  } finally {
    clearTimeout(timer);
  }
}

/** Writes a batch in one transaction, retrying with backoff while the database is unavailable. */
async function commitWithRetry(
  o: PipelineOptions,
  batch: IngestBatch,
  stats: PipelineStats,
): Promise<void> {
  let delay = 100;
  let tolerant = false;
  for (let attempt = 1; ; attempt++) {
    try {
      // Not durable: positions commit with the rows, so a batch lost in a server crash is read again.
      const res = await o.db.transaction((tx) => writeBatch(tx, batch, { tolerant }), {
        durable: false,
      });
      stats.messages += batch.messageCount;
      stats.readings += res.readings;
      stats.rejects += res.rejects;
      stats.batches++;
      if (res.replayed) stats.replayedBatches++;
      stats.lastCommitAtMs = Date.now();
      if (stats.lastError) o.logger.info({ attempt }, 'database back; pipeline resumed');
      stats.lastError = null;
      break;
    } catch (e) {
      const err = e as Error & { code?: string };
      if (!tolerant && isCollision(err)) {
        // Rows were stored already in a way the tracker could not know (e.g. the same ride twice
        // in a corrupt feed): write this batch again with every reading through ON CONFLICT.
        tolerant = true;
        o.logger.info(
          { code: err.code },
          'batch collided with stored rows; writing it conflict-tolerant',
        );
        continue;
      }
      stats.lastError = err.message;
      // Bad input never gets here (it is rejected earlier); anything else is waited out, not dropped.
      const level = isTransientDbError(e) ? 'warn' : 'error';
      o.logger[level](
        { err: err.message, code: err.code, attempt, retryInMs: delay },
        'batch write failed; retrying',
      );
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 10_000);
    }
  }
  // Outside the retry: the batch is committed, and must not be written again if these throw.
  o.onCommit?.(batch, stats);
  await o.source.committed?.(batch.positions);
}

/** Runs a read the pipeline cannot go on without, waiting out database outages. */
async function withRetry<T>(o: PipelineOptions, what: string, fn: () => Promise<T>): Promise<T> {
  let delay = 100;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      // Only an outage is waited out; a bug or a schema mismatch would never heal by itself.
      if (!isTransientDbError(e) || o.signal.aborted) throw e;
      o.logger.warn({ err: (e as Error).message, retryInMs: delay }, `${what} failed; retrying`);
      await sleep(delay, undefined, { signal: o.signal }).catch(() => undefined);
      if (o.signal.aborted) throw e;
      delay = Math.min(delay * 2, 10_000);
    }
  }
}
