// The one place the benchmarks' targets live (issue 12): each benchmark reads its own from here
// for its `pass` fields, and `npm run bench` prints them beside the figures in docs/benchmarks.md.

/** Every benchmark's targets, by benchmark. */
export const TARGETS = {
  ingestFile: { pgMsgPerSec: 150_000, pgliteMsgPerSec: 50_000, maxRssMb: 300, shareOfCopy: 0.5 },
  ingestKafka: { shareOfBare: 0.8 },
  alertLatency: { p95Ms: 1_000, p99Ms: 2_000 },
  api: { rps: 5_000, p99Ms: 25, shareOfBare: 0.4, dailyMs: 200 },
  metricsScrape: { medianRatio: 2 },
  live: {
    p95Ms: 250,
    p99Ms: 500,
    longTaskMs: 100,
    heapSlopeMbPerMinute: 0.5,
    heapGrowthAfterGcMb: 1,
  },
  report: { buildTotalMs: 2_000, peakRssMb: 300 },
  bi: { queryMs: 1_000 },
  kafkaFailover: { recoverySeconds: 15 },
  soak: { lagS: 1 },
} as const;

/** "Memory stays flat": a later stretch of a run may peak at most this much above an earlier one. */
export const FLAT_RSS_GROWTH = 1.2;

/** A bound a figure must stay on the right side of. */
export interface Bound {
  readonly op: '>=' | '<=';
  readonly value: number;
}

/** One figure of the generated report: where it is in which benchmark's JSON line, and its aims. */
export interface FigureSpec {
  readonly area: string;
  readonly label: string;
  readonly bench: string;
  /** Dotted path into the benchmark's JSON line. */
  readonly path: string;
  readonly unit: string;
  readonly target?: Bound;
  /** The bare baseline of the same run this figure is held against. */
  readonly ceiling?: {
    readonly bench: string;
    readonly path: string;
    readonly label: string;
    /** The figure must reach at least this share of the ceiling. */
    readonly minShare?: number;
  };
}

const T = TARGETS;
const atLeast = (value: number): Bound => ({ op: '>=', value });
const atMost = (value: number): Bound => ({ op: '<=', value });
const COPY = { bench: 'ceiling-copy', path: 'rowsPerSec', label: 'bare COPY' } as const;
const KAFKA = { bench: 'ceiling-kafka', path: 'msgPerSec', label: 'bare kafkajs' } as const;
const FASTIFY = { bench: 'ceiling-fastify', path: 'rps', label: 'bare Fastify' } as const;

/** The figures `npm run bench` writes into docs/benchmarks.md, area by area. */
export const REPORT_FIGURES: readonly FigureSpec[] = [
  {
    area: 'Ingest: file → database',
    label: 'file → PostgreSQL, pipeline rate',
    bench: 'ingest-file',
    path: 'pg.msgPerSec',
    unit: 'msg/s',
    target: atLeast(T.ingestFile.pgMsgPerSec),
  },
  {
    area: 'Ingest: file → database',
    label: 'file → PostgreSQL, readings written',
    bench: 'ingest-file',
    path: 'pg.readingsPerSec',
    unit: 'rows/s',
    ceiling: { ...COPY, minShare: T.ingestFile.shareOfCopy },
  },
  {
    area: 'Ingest: file → database',
    label: 'file → PostgreSQL, CLI peak RSS',
    bench: 'ingest-file',
    path: 'pg.maxRssMb',
    unit: 'MB',
    target: atMost(T.ingestFile.maxRssMb),
  },
  {
    area: 'Ingest: file → database',
    label: 'file → PGlite, pipeline rate',
    bench: 'ingest-file',
    path: 'pglite.msgPerSec',
    unit: 'msg/s',
    target: atLeast(T.ingestFile.pgliteMsgPerSec),
  },
  {
    area: 'Ingest: Kafka → PostgreSQL',
    label: 'Kafka → PostgreSQL, median of the rounds',
    bench: 'ingest-kafka',
    path: 'ours.msgPerSec',
    unit: 'msg/s',
    ceiling: { ...KAFKA, minShare: T.ingestKafka.shareOfBare },
  },
  {
    area: 'Alerts',
    label: 'abnormal reading → mail accepted, p95',
    bench: 'alert-latency',
    path: 'p95Ms',
    unit: 'ms',
    target: atMost(T.alertLatency.p95Ms),
  },
  {
    area: 'Alerts',
    label: 'abnormal reading → mail accepted, p99',
    bench: 'alert-latency',
    path: 'p99Ms',
    unit: 'ms',
    target: atMost(T.alertLatency.p99Ms),
  },
  {
    area: 'Staff API',
    label: 'GET /api/rides/{id}, 50 connections',
    bench: 'api',
    path: 'ride_by_id.rps',
    unit: 'req/s',
    target: atLeast(T.api.rps),
    ceiling: { ...FASTIFY, minShare: T.api.shareOfBare },
  },
  {
    area: 'Staff API',
    label: 'GET /api/rides/{id}, p99 latency',
    bench: 'api',
    path: 'ride_by_id.p99_ms',
    unit: 'ms',
    target: atMost(T.api.p99Ms),
  },
  {
    area: 'Staff API',
    label: 'GET /api/daily, slowest of 30',
    bench: 'api',
    path: 'daily.max_ms',
    unit: 'ms',
    target: atMost(T.api.dailyMs),
  },
  {
    area: 'Staff API',
    label: 'API p50 while /metrics is scraped, × its own',
    bench: 'metrics-scrape',
    path: 'median_ratio',
    unit: '×',
    target: atMost(T.metricsScrape.medianRatio),
  },
  {
    area: 'Live dashboard',
    label: 'source → tile in Chromium, p95',
    bench: 'live',
    path: 'latency.sinceSourceMs.p95',
    unit: 'ms',
    target: atMost(T.live.p95Ms),
  },
  {
    area: 'Live dashboard',
    label: 'source → tile in Chromium, p99',
    bench: 'live',
    path: 'latency.sinceSourceMs.p99',
    unit: 'ms',
    target: atMost(T.live.p99Ms),
  },
  {
    area: 'Live dashboard',
    label: 'the same with one serve feeding every stream, p95',
    bench: 'live',
    path: 'fanout.sinceSourceMs.p95',
    unit: 'ms',
    target: atMost(T.live.p95Ms),
  },
  {
    area: 'Live dashboard',
    label: 'fleet page at scale, longest task',
    bench: 'live',
    path: 'scale.longTasks.maxMs',
    unit: 'ms',
    target: atMost(T.live.longTaskMs),
  },
  {
    area: 'Live dashboard',
    label: 'fleet page at scale, heap trend',
    bench: 'live',
    path: 'scale.heapMb.slopeMbPerMinute',
    unit: 'MB/min',
    target: atMost(T.live.heapSlopeMbPerMinute),
  },
  {
    area: 'Reports and BI',
    label: 'daily report built and rendered, slowest fresh process',
    bench: 'report',
    path: 'build_total_max_ms',
    unit: 'ms',
    target: atMost(T.report.buildTotalMs),
  },
  {
    area: 'Reports and BI',
    label: 'daily report, peak RSS',
    bench: 'report',
    path: 'peak_rss_mb',
    unit: 'MB',
    target: atMost(T.report.peakRssMb),
  },
  {
    area: 'Reports and BI',
    label: 'BI: monthly trend by gender and age band, slowest',
    bench: 'bi',
    path: 'queries.monthlyByGenderAgeBand.maxMs',
    unit: 'ms',
    target: atMost(T.bi.queryMs),
  },
  {
    area: 'Reports and BI',
    label: "BI: a day's drill-down, slowest",
    bench: 'bi',
    path: 'queries.dayDrillDown.maxMs',
    unit: 'ms',
    target: atMost(T.bi.queryMs),
  },
  {
    area: 'Scale-out',
    label: "a killed ingest member's bikes served again, slowest round",
    bench: 'kafka-failover',
    path: 'worstRecoverySeconds',
    unit: 's',
    target: atMost(T.kafkaFailover.recoverySeconds),
  },
];
