import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { PipelineStats } from '../ingest/pipeline.js';
import { startIngest, type IngestService } from './ingest-service.js';
import { alertMailSettings } from './mail-service.js';
import { startOpsServer } from './ops-server.js';
import { openDatabase } from './open-db.js';
import { buildSource, type SimulatorChoice, type SourceSpec } from './sources.js';

/** `deloton ingest`: one source into the database until it is idle or the process is stopped. */
export async function runIngest(
  config: Config,
  logger: Logger,
  spec: SourceSpec,
  opts: { untilIdle: boolean; simulator: SimulatorChoice; progressEveryMs?: number },
  signal: AbortSignal,
): Promise<PipelineStats> {
  // The source is checked first: a usage mistake should not wait on a database.
  const source = buildSource(spec, config, {
    untilIdle: opts.untilIdle,
    simulator: opts.simulator,
    logger,
  });
  const db = await openDatabase(config, logger);
  try {
    // Up before the pipeline, so that a taken METRICS_PORT stops nothing half-started.
    let ingest: IngestService | null = null;
    const ops = await startOpsServer(
      config,
      'ingest',
      {
        db,
        readDb: db,
        ingest: () => ingest?.stats() ?? null,
        ingestBacklog: source.backlog?.bind(source),
        alertMail: alertMailSettings(config),
      },
      logger,
    );
    try {
      ingest = startIngest({
        db,
        source,
        config,
        logger,
        signal,
        ...(opts.progressEveryMs ? { progressEveryMs: opts.progressEveryMs } : {}),
      });
      return await ingest.done;
    } finally {
      await ops?.close();
    }
  } finally {
    await source.close();
    await db.close();
  }
}
