import type { Rider } from '../domain/rider.js';
import { withoutTelemetry, type OpenRide, type TrackerSink } from '../domain/ride-tracker.js';
import { summarize, type Reading } from '../domain/ride-summary.js';
import type { RideAlertDetector } from '../domain/ride-alerts.js';
import type { IngestBatch, RejectRow, RideAlert, RideReading } from '../store/ingest-batch.js';
import type { SourceMessage } from './source.js';

/** Collects what the tracker reports for one batch, then seals it into rows to write. */
export class BatchBuilder implements TrackerSink {
  private riders: Rider[] = [];
  private startedRides: OpenRide[] = [];
  private readings: RideReading[] = [];
  private completions: RideReading[] = [];
  private touched = new Set<OpenRide>();
  private rejects: RejectRow[] = [];
  private alerts: RideAlert[] = [];
  private positions = new Map<number, number>();
  private current: SourceMessage | null = null;
  /** Messages in the batch so far. */
  count = 0;
  /** When the batch got its first message (ms), to bound how long a message waits. */
  firstAtMs = 0;

  constructor(
    private readonly source: string,
    private readonly detector: RideAlertDetector | null = null,
  ) {}

  /** Marks the message the following reports belong to, and counts it. */
  begin(msg: SourceMessage): void {
    if (this.count === 0) this.firstAtMs = Date.now();
    this.current = msg;
    this.count++;
    this.positions.set(msg.partition, msg.next);
  }

  rider(rider: Rider): void {
    this.riders.push(rider);
  }

  rideStarted(ride: OpenRide): void {
    this.startedRides.push(ride);
  }

  reading(ride: OpenRide, reading: Reading, update: boolean): void {
    (update ? this.completions : this.readings).push({ ride, reading });
    const alert = this.detector?.observe(ride, reading);
    if (alert) this.alerts.push({ ride, alert });
  }

  rideChanged(ride: OpenRide): void {
    this.touched.add(ride);
  }

  reject(reason: string): void {
    const m = this.current;
    if (!m) throw new Error('reject() outside a message');
    this.rejects.push({ partition: m.partition, position: m.offset, raw: m.value, reason });
  }

  /**
   * Seals the batch. Ride lines still waiting for their Telemetry line are stored now, without
   * telemetry, so a restart at this boundary finds them (the next batch completes them).
   */
  seal(openRides: Iterable<OpenRide>): IngestBatch {
    for (const ride of openRides) {
      const p = ride.pending;
      if (!p || p.persisted) continue;
      p.persisted = true;
      this.readings.push({ ride, reading: withoutTelemetry(p) });
    }
    const batch: IngestBatch = {
      source: this.source,
      riders: this.riders,
      startedRides: this.startedRides,
      readings: this.readings,
      completions: this.completions,
      // Snapshot now: the rides go on changing while this batch is being written.
      rideUpdates: [...this.touched].map((ride) => ({
        ride,
        summary: summarize(ride.summary),
        endedAtMs: ride.endedAtMs,
      })),
      rejects: this.rejects,
      alerts: this.alerts,
      positions: this.positions,
      messageCount: this.count,
    };
    this.riders = [];
    this.startedRides = [];
    this.readings = [];
    this.completions = [];
    this.touched = new Set();
    this.rejects = [];
    this.alerts = [];
    this.positions = new Map();
    this.current = null;
    this.count = 0;
    return batch;
  }
}
