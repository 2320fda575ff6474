import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { buildHttpServer, httpSettings } from './http-server.js';
import { listenOn, offerFirstAdminKey } from './http-listen.js';
import { startIngest, type IngestService } from './ingest-service.js';
import { newMailWorkerStats } from '../alerts/mail-worker.js';
import { startMailService } from './mail-service.js';
import { newReportSchedulerStats } from '../reports/report-scheduler.js';
import { reportPdfs, startReportService } from './report-service.js';
import { openDatabases } from './open-db.js';
import { checkEmbedded, offerBiSocket } from './bi-serve.js';
import type { BiWireServer } from '../store/pglite-wire-server.js';
import { buildSource, type SimulatorChoice, type SourceSpec } from './sources.js';

/** `deloton start`: database, ingest from the chosen source and the HTTP server, in one process. */
export async function runStart(
  config: Config,
  logger: Logger,
  spec: SourceSpec,
  simulator: SimulatorChoice,
  signal: AbortSignal,
): Promise<void> {
  if (config.bi.port !== null) checkEmbedded(config, 'BI_PORT');
  if (!config.databaseUrl)
    logger.info({ dataDir: config.dataDir }, 'embedded database; data lives here');
  // The source is checked first: a usage mistake should not wait on a database.
  const source = buildSource(spec, config, { untilIdle: false, simulator, logger });
  const dbs = await openDatabases(config, logger);
  const { db, readDb } = dbs;
  let ingest: IngestService | null = null;
  const mailStats = config.mail.smtpUrl ? newMailWorkerStats() : null;
  const reportStats = newReportSchedulerStats();
  const http = await buildHttpServer({
    db,
    readDb,
    logger,
    ...httpSettings(config),
    ingestStats: () => ingest?.stats() ?? null,
    ingestBacklog: source.backlog?.bind(source),
    mailStats: () => mailStats,
    reportStats: () => reportStats,
    reports: reportPdfs(readDb, config.displayTimeZone),
  });
  let bi: BiWireServer | null = null;
  try {
    // Listening comes first: a taken port is a setup mistake to report before ingesting anything.
    const address = await listenOn(http, config, logger);
    if (config.bi.port !== null)
      bi = await offerBiSocket(db, logger, { host: config.bi.host, port: config.bi.port });
    await offerFirstAdminKey(db, address, logger);
    ingest = startIngest({ db, source, config, logger, signal });
    const mail = startMailService({
      db,
      config,
      logger,
      signal,
      ...(mailStats ? { stats: mailStats } : {}),
    });
    const reports = startReportService({
      db,
      readDb,
      config,
      logger,
      signal,
      stats: reportStats,
    });
    await Promise.all([ingest.done, mail, reports]);
    logger.info('stopped cleanly');
  } finally {
    // Ingest has committed its last batch by now (or failed); stop serving, then close the database.
    await http.close();
    await bi?.close();
    await source.close();
    await dbs.close();
  }
}
