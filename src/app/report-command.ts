import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { DelotonError } from '../domain/errors.js';
import { senderDomain } from '../mail/alert-mail.js';
import { buildDailyReport } from '../reports/report-builder.js';
import { reportFileName, reportMail, summaryOf } from '../reports/report-mail.js';
import { renderReportPdf } from '../reports/report-pdf.js';
import { buildMailer } from './mail-service.js';
import { openDatabases } from './open-db.js';

/** What `deloton report` was asked for. */
export interface ReportRequest {
  /** `YYYY-MM-DD`, already checked as a calendar date. */
  readonly date: string;
  readonly out: string | null;
  readonly send: boolean;
  /** --to; null: REPORT_RECIPIENTS. */
  readonly to: readonly string[] | null;
}

/**
 * `deloton report`: builds one day's report (with riders' names: the CLI is an operator's tool)
 * and writes it, mails it, or both. Resolves to a line per outcome; throws when a mail failed.
 */
export async function runReportCommand(
  config: Config,
  logger: Logger,
  req: ReportRequest,
): Promise<void> {
  const recipients = req.to ?? config.reports.recipients;
  if (req.send && !config.mail.smtpUrl)
    throw new DelotonError(
      'config_invalid',
      'deloton report --send needs SMTP_URL (smtp://host:port)',
    );
  if (req.send && recipients.length === 0)
    throw new DelotonError(
      'cli_usage',
      'deloton report --send needs --to ADDR[,ADDR...] or REPORT_RECIPIENTS',
    );
  const dbs = await openDatabases(config, logger);
  try {
    const startedMs = Date.now();
    process.stderr.write(`building the report for ${req.date} (${config.displayTimeZone})...\n`);
    const report = await buildDailyReport({
      db: dbs.readDb,
      date: req.date,
      timeZone: config.displayTimeZone,
      audience: 'admin',
      nowMs: Date.now(),
    });
    const pdf = await renderReportPdf(report);
    logger.info(
      {
        date: req.date,
        rides: report.totals.rideCount,
        bytes: pdf.byteLength,
        ms: Date.now() - startedMs,
      },
      'report built',
    );
    const out = req.out ?? (req.send ? null : reportFileName(req.date));
    if (out !== null) {
      writeFileSync(out, pdf);
      process.stdout.write(`wrote ${resolve(out)} (${Math.ceil(pdf.byteLength / 1024)} KB)\n`);
    }
    if (!req.send) return;
    const mailer = buildMailer(config);
    const failed: string[] = [];
    try {
      for (const to of recipients) {
        const mail = reportMail({
          summary: summaryOf(report),
          pdf,
          to,
          domain: senderDomain(config.mail.from),
        });
        const res = await mailer.send(mail);
        switch (res.kind) {
          case 'sent':
            process.stdout.write(`mailed to ${to}\n`);
            break;
          case 'held':
            failed.push(`${to}: no mail server configured`);
            break;
          case 'retry':
          case 'rejected':
            failed.push(`${to}: ${res.error}`);
            break;
        }
      }
    } finally {
      await mailer.close();
    }
    if (failed.length > 0)
      throw new DelotonError(
        'report_send_failed',
        `the report was not mailed to:\n  ${failed.join('\n  ')}`,
      );
  } finally {
    await dbs.close();
  }
}
