// The long-running roles without an HTTP server of their own: `deloton alerts` and
// `deloton reports`, each with its health and metrics on METRICS_PORT when set.
import type { Logger } from 'pino';
import { newMailWorkerStats } from '../alerts/mail-worker.js';
import type { HealthSources } from '../api/health.routes.js';
import type { Config } from '../config.js';
import { newReportSchedulerStats } from '../reports/report-scheduler.js';
import { alertMailSettings, startMailService } from './mail-service.js';
import { openDatabase, openDatabases, type Databases } from './open-db.js';
import { startOpsServer } from './ops-server.js';
import { startReportService } from './report-service.js';

/** The primary alone, as `Databases` (the reads go to it too). */
async function primaryOnly(config: Config, logger: Logger): Promise<Databases> {
  const db = await openDatabase(config, logger);
  return { db, readDb: db, close: () => db.close() };
}

/** Opens the database, serves the role's health and metrics, and runs it to its end. */
async function runRole(
  config: Config,
  logger: Logger,
  role: string,
  sources: Omit<HealthSources, 'db' | 'readDb' | 'alertMail'>,
  run: (dbs: Databases) => Promise<unknown>,
  { replica }: { replica: boolean },
): Promise<void> {
  // Only a role that reads through the replica opens it (and checks its schema).
  const dbs = replica ? await openDatabases(config, logger) : await primaryOnly(config, logger);
  try {
    const health = {
      db: dbs.db,
      readDb: dbs.readDb,
      alertMail: alertMailSettings(config),
      ...sources,
    };
    const ops = await startOpsServer(config, role, health, logger);
    try {
      await run(dbs);
    } finally {
      await ops?.close();
    }
  } finally {
    await dbs.close();
  }
}

/** `deloton alerts`: sends queued alert mails until `signal` aborts. */
export function runAlertsRole(config: Config, logger: Logger, signal: AbortSignal): Promise<void> {
  const stats = newMailWorkerStats();
  return runRole(
    config,
    logger,
    'alerts',
    { mail: () => stats },
    ({ db }) => startMailService({ db, config, logger, signal, stats }) ?? Promise.resolve(),
    { replica: false },
  );
}

/** `deloton reports`: runs the daily report schedule until `signal` aborts. */
export function runReportsRole(config: Config, logger: Logger, signal: AbortSignal): Promise<void> {
  const stats = newReportSchedulerStats();
  return runRole(
    config,
    logger,
    'reports',
    { reportSchedule: () => stats }, // Reports are built from the replica (DATABASE_READ_URL) when there is one.
    ({ db, readDb }) => startReportService({ db, readDb, config, logger, signal, stats }),
    { replica: true },
  );
}
