import type { Logger } from 'pino';
import type { ReportPdfs } from '../api/api-deps.js';
import type { Config } from '../config.js';
import { senderDomain } from '../mail/alert-mail.js';
import { buildDailyReport } from '../reports/report-builder.js';
import type { ReportSchedulerStats } from '../reports/report-scheduler.js';
import type { Db } from '../store/db.js';
import { buildMailer } from './mail-service.js';

/** The API's report builder: a day's report read now and laid out for the caller's role. */
export function reportPdfs(db: Db, timeZone: string, now: () => number = Date.now): ReportPdfs {
  return {
    build: async (date, audience) =>
      // The renderer (ECharts, pdfkit, fonts) loads on the first request, not with the server.
      (await import('../reports/report-pdf.js')).renderReportPdf(
        await buildDailyReport({
          db,
          date,
          timeZone,
          audience,
          nowMs: now(),
        }),
      ),
  };
}

/** Runs the daily report schedule (REPORT_CRON) until `signal` aborts; mails when it can. */
export async function startReportService(opts: {
  db: Db;
  /** Where reports' figures are read (a replica; `db` without it). */
  readDb?: Db;
  config: Config;
  logger: Logger;
  signal: AbortSignal;
  stats?: ReportSchedulerStats;
}): Promise<ReportSchedulerStats> {
  const mailer = buildMailer(opts.config);
  if (opts.config.reports.recipients.length > 0 && !mailer.delivers)
    opts.logger.warn(
      'REPORT_RECIPIENTS is set but SMTP_URL is not: reports are stored, not mailed',
    );
  try {
    const { runReportScheduler } = await import('../reports/report-scheduler.js');
    return await runReportScheduler({
      db: opts.db,
      readDb: opts.readDb ?? opts.db,
      mailer,
      logger: opts.logger,
      signal: opts.signal,
      schedule: { cron: opts.config.reports.cron, timeZone: opts.config.displayTimeZone },
      recipients: opts.config.reports.recipients,
      domain: senderDomain(opts.config.mail.from),
      ...(opts.stats ? { stats: opts.stats } : {}),
    });
  } finally {
    await mailer.close();
  }
}
