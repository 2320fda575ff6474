// The long-running roles without an HTTP server of their own: `deloton alerts` and
// `deloton reports`, each with its health and metrics on METRICS_PORT when set.
import type { Logger } from 'pino';
import { newMailWorkerStats } from '../alerts/mail-worker.js';
import type { Config } from '../config.js';
import { newReportSchedulerStats } from '../reports/report-scheduler.js';
import { alertMailSettings, startMailService } from './mail-service.js';
import { openDatabase } from './open-db.js';
import { startOpsServer } from './ops-server.js';
import { startReportService } from './report-service.js';

/** `deloton alerts`: sends queued alert mails until `signal` aborts. */
export async function runAlertsRole(
  config: Config,
  logger: Logger,
  signal: AbortSignal,
): Promise<void> {
  const db = await openDatabase(config, logger);
  const stats = newMailWorkerStats();
  try {
    const ops = await startOpsServer(
      config,
      'alerts',
      { db, mail: () => stats, alertMail: alertMailSettings(config) },
      logger,
    );
    try {
      await startMailService({ db, config, logger, signal, stats });
    } finally {
      await ops?.close();
    }
  } finally {
    await db.close();
  }
}

/** `deloton reports`: runs the daily report schedule until `signal` aborts. */
export async function runReportsRole(
  config: Config,
  logger: Logger,
  signal: AbortSignal,
): Promise<void> {
  const db = await openDatabase(config, logger);
  const stats = newReportSchedulerStats();
  try {
    const ops = await startOpsServer(
      config,
      'reports',
      { db, reportSchedule: () => stats, alertMail: alertMailSettings(config) },
      logger,
    );
    try {
      await startReportService({ db, config, logger, signal, stats });
    } finally {
      await ops?.close();
    }
  } finally {
    await db.close();
  }
}
