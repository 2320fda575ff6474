import type { RideAlertDetector } from '../domain/ride-alerts.js';
import { accountNamedIn, type Rider } from '../domain/rider.js';
import type { Account, Checkpoint, RideReading, RideStart, TrackerSink } from '../domain/ride.js';
import type { Reading } from '../domain/ride-summary.js';
import type {
  IngestBatch,
  RejectRow,
  RideAlert,
  SourcePosition,
  StartedRide,
} from '../store/ingest-batch.js';
import type { SourceMessage } from './source.js';

/**
 * The most raw text of rejected lines one batch holds. PostgreSQL's array parameters are built as
 * one string, which V8 caps near 512 MiB: a batch of many huge bad lines must be cut sooner.
 */
export const MAX_BATCH_REJECT_CHARS = 32 << 20;

/** Collects what the tracker reports for one batch, with alerts and positions, then seals it. */
export class BatchBuilder implements TrackerSink {
  private started: StartedRide[] = [];
  private readings: RideReading[] = [];
  private completions: RideReading[] = [];
  private rejects: RejectRow[] = [];
  private alerts: RideAlert[] = [];
  /** The last message of each partition: where the batch's reading reached. */
  private lastOf = new Map<number, SourceMessage>();
  private current: SourceMessage | null = null;
  /** The current line's own time, once it has been read. */
  private currentAtMs: number | null = null;
  /** Messages in the batch so far. */
  count = 0;
  /** Characters of raw text of the batch's rejects so far. */
  private rejectChars = 0;
  /** When the batch got its first message (ms), to bound how long a message waits. */
  firstAtMs = 0;

  constructor(
    private readonly source: string,
    private readonly detector: RideAlertDetector | null,
  ) {}

  /** Whether the batch should be written now: `maxMessages` reached, or its rejects are heavy. */
  isFull(maxMessages: number): boolean {
    return this.count >= maxMessages || this.rejectChars >= MAX_BATCH_REJECT_CHARS;
  }

  /** Marks the message the following reports belong to, and counts it. */
  begin(msg: SourceMessage): void {
    if (this.count === 0) this.firstAtMs = Date.now();
    this.current = msg;
    this.currentAtMs = null;
    this.count++;
    this.lastOf.set(msg.partition, msg);
  }

  /** Notes the current line's own time, read from it. */
  dated(atMs: number): void {
    this.currentAtMs = atMs;
  }

  rideStarted(ride: RideStart, rider: Rider): void {
    this.started.push({ ride, rider });
  }

  reading(ride: RideStart, reading: Reading, completes: boolean): void {
    (completes ? this.completions : this.readings).push({ ride, reading });
    const alert = this.detector?.observe(ride, reading);
    if (alert) this.alerts.push({ ride, alert });
  }

  reject(reason: string, account: Account | null): void {
    this.rejectAs(reason, account, null);
  }

  /**
   * Sets the current message aside; `raw` replaces its text (e.g. only the head of a huge line).
   * A line whose account is not known otherwise is searched for one, as an erasure would search
   * it: an erased rider's lines must not come back in a replay, read or not.
   */
  rejectAs(reason: string, account: Account | null, raw: string | null): void {
    const m = this.current;
    if (!m) throw new Error('reject() outside a message');
    const text = raw ?? m.value;
    this.rejectChars += text.length;
    const named = account ?? this.accountIn(text);
    this.rejects.push({
      partition: m.partition,
      position: m.offset,
      raw: text,
      reason,
      riderId: named?.riderId ?? null,
      atMs: named?.namedAtMs ?? null,
    });
  }

  /** The account a raw line names, if any, named at the line's own time (unknown: null). */
  private accountIn(text: string): { riderId: number; namedAtMs: number | null } | null {
    const riderId = accountNamedIn(text);
    return riderId === null ? null : { riderId, namedAtMs: this.currentAtMs };
  }

  /**
   * Seals the batch with the tracker's checkpoint (the rides' figures and the half readings) and
   * the epoch each of its partitions was claimed with. A partition without a claim gets epoch 0,
   * which no claim has: the batch is refused rather than written unfenced.
   */
  seal(checkpoint: Checkpoint, epochs: ReadonlyMap<number, number>): IngestBatch {
    for (const half of checkpoint.halfReadings) this.readings.push(half);
    const batch: IngestBatch = {
      source: this.source,
      started: this.started,
      readings: this.readings,
      completions: this.completions,
      progress: checkpoint.progress,
      rejects: this.rejects,
      alerts: this.alerts,
      positions: new Map(
        [...this.lastOf].map(([p, m]): [number, SourcePosition] => [
          p,
          { next: m.next, identity: m.identity ?? null, epoch: epochs.get(p) ?? 0 },
        ]),
      ),
      messageCount: this.count,
    };
    this.discard();
    return batch;
  }

  /** Drops what the batch holds and starts an empty one (also what sealing leaves). */
  discard(): void {
    this.started = [];
    this.readings = [];
    this.completions = [];
    this.rejects = [];
    this.alerts = [];
    this.lastOf = new Map();
    this.current = null;
    this.count = 0;
    this.rejectChars = 0;
  }
}
