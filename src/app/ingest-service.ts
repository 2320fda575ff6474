import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { runPipeline, type PipelineStats } from '../ingest/pipeline.js';
import type { Source } from '../ingest/source.js';
import type { Db } from '../store/db.js';
import { runAnalyticsRefresh } from './analytics-service.js';
import { runReadingsMaintenance, runRejectRetention } from './retention-service.js';

/** A running ingest pipeline with its live stats (read by /health) and its completion. */
export interface IngestService {
  readonly stats: () => PipelineStats | null;
  readonly done: Promise<PipelineStats>;
}

/** Starts the pipeline, logging progress every few seconds. */
export function startIngest(opts: {
  db: Db;
  source: Source;
  config: Config;
  logger: Logger;
  signal: AbortSignal;
  progressEveryMs?: number;
}): IngestService {
  const log = opts.logger.child({ lane: 'ingest', source: opts.source.name });
  let latest: PipelineStats | null = null;
  const startedAt = Date.now();
  let lastReport = { at: startedAt, messages: 0 };
  const every = opts.progressEveryMs ?? 5_000;
  const progress = (s: PipelineStats, final = false): void => {
    const now = Date.now();
    const rate = Math.round(
      ((s.messages - lastReport.messages) * 1000) / Math.max(1, now - lastReport.at),
    );
    log.info(
      {
        messages: s.messages,
        readings: s.readings,
        rejects: s.rejects,
        batches: s.batches,
        perSecond: final ? Math.round((s.messages * 1000) / Math.max(1, now - startedAt)) : rate,
      },
      final ? 'ingest finished' : 'ingest progress',
    );
    lastReport = { at: now, messages: s.messages };
  };
  log.info('ingest starting');
  // Housekeeping runs beside the pipeline and ends with it.
  const housekeeping = new AbortController();
  const abortHousekeeping = (): void => housekeeping.abort();
  opts.signal.addEventListener('abort', abortHousekeeping, { once: true });
  const retention = runRejectRetention({
    db: opts.db,
    retentionMs: opts.config.ingest.rejectedRetentionMs,
    logger: opts.logger,
    signal: housekeeping.signal,
  });
  const partitions = runReadingsMaintenance({
    db: opts.db,
    retentionMs: opts.config.ingest.readingsRetentionMs,
    logger: opts.logger,
    signal: housekeeping.signal,
  });
  const analytics = runAnalyticsRefresh({
    db: opts.db,
    everyMs: opts.config.analyticsRefreshMs,
    logger: opts.logger,
    signal: housekeeping.signal,
  });
  const pipeline = runPipeline({
    db: opts.db,
    source: opts.source,
    feedTimeZone: opts.config.feedTimeZone,
    maxBatchMessages: opts.config.ingest.batchMessages,
    maxBatchWaitMs: opts.config.ingest.batchWaitMs,
    alerts: opts.config.alerts,
    logger: log,
    signal: opts.signal,
    onCommit: (_batch, s) => {
      latest = s;
      if (Date.now() - lastReport.at >= every) progress(s);
    },
  }).then((s) => {
    latest = s;
    progress(s, true);
    return s;
  });
  const done = pipeline.finally(async () => {
    abortHousekeeping();
    opts.signal.removeEventListener('abort', abortHousekeeping);
    await Promise.all([retention, partitions, analytics]);
  });
  return { stats: () => latest, done };
}
