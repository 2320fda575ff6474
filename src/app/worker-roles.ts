// The long-running roles without an HTTP server of their own: `deloton alerts` and
// `deloton reports`, each with its health and metrics on METRICS_PORT when set.
import type { Logger } from 'pino';
import { newMailWorkerStats } from '../alerts/mail-worker.js';
import type { HealthSources } from '../api/health.routes.js';
import type { Config } from '../config.js';
import { newReportSchedulerStats } from '../reports/report-scheduler.js';
import type { Db } from '../store/db.js';
import { alertMailSettings, startMailService } from './mail-service.js';
import { openDatabase } from './open-db.js';
import { startOpsServer } from './ops-server.js';
import { startReportService } from './report-service.js';

/** Opens the database, serves the role's health and metrics, and runs it to its end. */
async function runRole(
  config: Config,
  logger: Logger,
  role: string,
  sources: Omit<HealthSources, 'db' | 'alertMail'>,
  run: (db: Db) => Promise<unknown>,
): Promise<void> {
  const db = await openDatabase(config, logger);
  try {
    const health = { db, alertMail: alertMailSettings(config), ...sources };
    const ops = await startOpsServer(config, role, health, logger);
    try {
      await run(db);
    } finally {
      await ops?.close();
    }
  } finally {
    await db.close();
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
    (db) => startMailService({ db, config, logger, signal, stats }) ?? Promise.resolve(),
  );
}

/** `deloton reports`: runs the daily report schedule until `signal` aborts. */
export function runReportsRole(config: Config, logger: Logger, signal: AbortSignal): Promise<void> {
  const stats = newReportSchedulerStats();
  return runRole(config, logger, 'reports', { reportSchedule: () => stats }, (db) =>
    startReportService({ db, config, logger, signal, stats }),
  );
}
