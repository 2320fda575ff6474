// Per-partition ingest backlog: what the feed lag of the stored data cannot see. That figure is
// the age of the newest reading of any open ride, so one consumer-group member far behind hides
// behind the others; these are per partition, from the member that holds it.
import { Gauge, type Registry } from 'prom-client';

/** How far one partition this process reads is behind the end of its stream. */
export interface BacklogFigures {
  readonly partition: number;
  readonly messages: number;
  /** How long the oldest message not stored yet has waited since it was produced; null: unknown. */
  readonly seconds: number | null;
}

/** Where the backlog comes from: the ingest lane's source, asked by each gauge at a scrape. */
export type BacklogSource = () => Promise<readonly BacklogFigures[]>;

/** Registers `deloton_ingest_backlog_messages` and `deloton_ingest_lag_seconds` by partition. */
export function registerBacklogGauges(registry: Registry, backlog: BacklogSource): void {
  const gauge = (name: string, help: string, pick: (f: BacklogFigures) => number | null) =>
    new Gauge({
      name,
      help,
      labelNames: ['partition'],
      registers: [registry],
      async collect() {
        // The source reads the stream's ends at most once a second: both gauges share that read.
        const figures = await backlog().catch(() => null);
        // Unreadable ends (brokers down): no figure rather than a stale one.
        this.reset();
        for (const f of figures ?? []) {
          const v = pick(f);
          if (v !== null) this.set({ partition: String(f.partition) }, v);
        }
      },
    });
  gauge(
    'deloton_ingest_backlog_messages',
    'Messages of each partition this process reads that are in the stream but not stored yet',
    (f) => f.messages,
  );
  gauge(
    'deloton_ingest_lag_seconds',
    'Seconds the oldest message not yet stored of each partition this process reads has waited since it was produced (0 when none waits)',
    (f) => f.seconds,
  );
}
