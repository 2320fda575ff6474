import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Db } from '../store/db.js';
import { registerBacklogGauges, type BacklogSource } from './backlog-metrics.js';
import { liveHeapBytes, watchLiveHeap } from './live-heap.js';
import { readPlatformStats, type PlatformStats } from '../store/platform-stats.repository.js';

/** Ingest figures of this process, when it ingests (shape of the pipeline's own stats). */
export interface IngestFigures {
  readonly messages: number;
  readonly readings: number;
  readonly rejects: number;
  /** Batches refused because another process had claimed their partitions (fencing). */
  readonly fencedBatches: number;
  readonly lastCommitAtMs: number | null;
}

/** Mail delivery figures of this process, when it sends alert mail. */
export interface MailFigures {
  readonly sent: number;
  readonly failed: number;
  readonly retried: number;
  readonly lastError: string | null;
}

/** The live dashboard's figures in this process: rides shown, browsers watching, browsers dropped. */
export interface LiveFigures {
  readonly rides: number;
  readonly subscribers: number;
  readonly dropped: number;
}

/** The daily report schedule's figures in this process, when it runs the schedule. */
export interface ReportFigures {
  readonly built: number;
  readonly sent: number;
  readonly failed: number;
  readonly retried: number;
  /** The last day this process built a report of (`YYYY-MM-DD`). */
  readonly lastDay: string | null;
  readonly lastError: string | null;
  /** ISO time of the schedule's next run. */
  readonly nextRunAt: string | null;
}

export interface MetricsSources {
  readonly db: Db;
  readonly ingest?: (() => IngestFigures | null) | undefined;
  /** Per-partition backlog of the stream this process ingests, when it reads a partitioned one. */
  readonly ingestBacklog?: BacklogSource | undefined;
  readonly mail?: (() => MailFigures | null) | undefined;
  readonly live?: (() => LiveFigures | null) | undefined;
  readonly reportSchedule?: (() => ReportFigures | null) | undefined;
}

/** How long figures of the stored data are reused between scrapes. */
const STORED_TTL_MS = 10_000;
/** How long a rendered scrape is served again. */
const RENDER_TTL_MS = 1_000;

/** This process's metrics, and their text as a scrape gets it. */
export interface Metrics {
  readonly registry: Registry;
  readonly http: Histogram;
  /** The Prometheus text, rendered at most once per RENDER_TTL_MS however many ask. */
  readonly render: () => Promise<string>;
}

/** A registry of this process's metrics: HTTP latency, ingest and mail counters, stored figures. */
export function createMetrics(src: MetricsSources): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  watchLiveHeap();
  new Gauge({
    name: 'deloton_heap_live_bytes',
    help: 'V8 heap in use just after the newest full garbage collection: what this process keeps alive (a leak makes it rise; RSS also holds freed memory)',
    registers: [registry],
    collect() {
      const bytes = liveHeapBytes();
      if (bytes !== null) this.set(bytes);
    },
  });
  const http = new Histogram({
    name: 'deloton_http_request_duration_seconds',
    help: 'HTTP request latency by route, method and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  // Running totals kept by the pipeline, exposed as counters (a restart resets them, as rate() expects).
  const totalOf = (name: string, help: string, pick: (f: IngestFigures) => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        const f = src.ingest?.();
        if (!f) return;
        this.reset();
        this.inc(pick(f));
      },
    });
  totalOf(
    'deloton_ingest_messages_total',
    'Feed messages ingested by this process',
    (f) => f.messages,
  );
  totalOf('deloton_ingest_readings_total', 'Readings stored by this process', (f) => f.readings);
  totalOf('deloton_ingest_rejects_total', 'Feed lines this process set aside', (f) => f.rejects);
  totalOf(
    'deloton_ingest_fenced_batches_total',
    'Batches refused because another process had claimed their partitions',
    (f) => f.fencedBatches,
  );
  if (src.ingestBacklog) registerBacklogGauges(registry, src.ingestBacklog);
  const liveGauge = (name: string, help: string, pick: (f: LiveFigures) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const f = src.live?.();
        if (f) this.set(pick(f));
      },
    });
  liveGauge('deloton_live_rides', 'Rides the live dashboard shows now', (f) => f.rides);
  liveGauge(
    'deloton_live_browsers',
    'Browsers watching the live stream of this process',
    (f) => f.subscribers,
  );
  new Counter({
    name: 'deloton_live_dropped_browsers_total',
    help: 'Browsers dropped because they could not keep up with the live stream',
    registers: [registry],
    collect() {
      const f = src.live?.();
      if (!f) return;
      this.reset();
      this.inc(f.dropped);
    },
  });
  new Gauge({
    name: 'deloton_ingest_last_commit_age_seconds',
    help: 'Seconds since this process last committed an ingest batch',
    registers: [registry],
    collect() {
      const at = src.ingest?.()?.lastCommitAtMs;
      if (at) this.set((Date.now() - at) / 1000);
    },
  });
  new Counter({
    name: 'deloton_alert_mails_total',
    help: 'Alert mails sent, failed and retried by this process',
    labelNames: ['outcome'],
    registers: [registry],
    collect() {
      const m = src.mail?.();
      if (!m) return;
      this.reset();
      this.inc({ outcome: 'sent' }, m.sent);
      this.inc({ outcome: 'failed' }, m.failed);
      this.inc({ outcome: 'retried' }, m.retried);
    },
  });
  new Counter({
    name: 'deloton_reports_total',
    help: 'Daily reports built, mailed, given up and retried by this process',
    labelNames: ['outcome'],
    registers: [registry],
    collect() {
      const r = src.reportSchedule?.();
      if (!r) return;
      this.reset();
      this.inc({ outcome: 'built' }, r.built);
      this.inc({ outcome: 'sent' }, r.sent);
      this.inc({ outcome: 'failed' }, r.failed);
      this.inc({ outcome: 'retried' }, r.retried);
    },
  });
  // Figures of the stored data, any process can report them. Read at most once per STORED_TTL_MS
  // whatever the number of scrapers (the endpoint needs no key), so scrapes cannot load the
  // database; one read at a time.
  let stored: { at: number; figures: Promise<PlatformStats | null> } | null = null;
  const storedOnce = (): Promise<PlatformStats | null> => {
    const now = performance.now();
    if (!stored || now - stored.at >= STORED_TTL_MS)
      stored = { at: now, figures: readPlatformStats(src.db).catch(() => null) };
    return stored.figures;
  };
  new Gauge({
    name: 'deloton_alerts',
    help: 'Stored alerts by delivery state',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const s = await storedOnce();
      for (const state of ['queued', 'sent', 'failed'])
        this.set({ state }, s?.alertsByState[state] ?? 0);
    },
  });
  const storedGauge = (name: string, help: string, pick: (s: PlatformStats) => number | null) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        const s = await storedOnce();
        const v = s && pick(s);
        if (v !== null) this.set(v);
      },
    });
  storedGauge(
    'deloton_rejected_messages',
    'Feed lines set aside as rejected, stored',
    (s) => s.rejectedMessages,
  );
  storedGauge('deloton_open_rides', 'Rides not yet ended', (s) => s.openRides);
  storedGauge(
    'deloton_feed_lag_seconds',
    'Seconds between now and the newest reading of any open ride (the feed is this far behind)',
    (s) => s.feedLagS,
  );
  // Rendering walks every metric (the process's own included) on the event loop: a scraper in a
  // loop would take the loop from the API. Scrapers every few seconds see it fresh. Both caches
  // run on a monotonic clock: a wall clock stepped back would keep serving one old answer.
  let rendered: { at: number; text: Promise<string> } | null = null;
  const render = (): Promise<string> => {
    const now = performance.now();
    if (!rendered || now - rendered.at >= RENDER_TTL_MS)
      rendered = { at: now, text: registry.metrics() };
    return rendered.text;
  };
  return { registry, http, render };
}

/** Times every request into the histogram, labelled by route pattern (not by raw URL). */
export function installHttpMetrics(app: FastifyInstance, http: Histogram): void {
  app.addHook('onResponse', async (req, reply) => {
    http.observe(
      {
        method: req.method,
        route: req.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
}
