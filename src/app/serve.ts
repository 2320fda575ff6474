import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { buildHttpServer, httpSettings } from './http-server.js';
import { runAnalyticsRefresh } from './analytics-service.js';
import { listenOn } from './http-listen.js';
import { openDatabases } from './open-db.js';
import { reportPdfs } from './report-service.js';

/** `deloton serve`: the HTTP server alone (API, docs, health, metrics); stateless, scale at will. */
export async function runServe(config: Config, logger: Logger, signal: AbortSignal): Promise<void> {
  const dbs = await openDatabases(config, logger);
  const { db, readDb } = dbs;
  try {
    const http = await buildHttpServer({
      db,
      readDb,
      logger,
      ...httpSettings(config),
      reports: reportPdfs(readDb, config.displayTimeZone),
    });
    try {
      await listenOn(http, config, logger);
      // Deletions and erasures over this API change the BI figures: recompute them here too,
      // so that a deployment without a running ingest still keeps them current.
      await runAnalyticsRefresh({ db, everyMs: config.analyticsRefreshMs, logger, signal });
      logger.info('stopped cleanly');
    } finally {
      await http.close();
    }
  } finally {
    await dbs.close();
  }
}
