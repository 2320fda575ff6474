import type { Logger } from 'pino';
import { runMailWorker, type MailWorkerStats } from '../alerts/mail-worker.js';
import type { Config } from '../config.js';
import { senderDomain, type AlertMailSettings } from '../mail/alert-mail.js';
import { createOutboxMailer, type Mailer } from '../mail/mailer.js';
import { createSmtpMailer } from '../mail/smtp-mailer.js';
import type { Db } from '../store/db.js';

/** The configured mailer: SMTP when SMTP_URL is set, else the outbox only. */
export function buildMailer(config: Config): Mailer {
  return config.mail.smtpUrl
    ? createSmtpMailer({ url: config.mail.smtpUrl, from: config.mail.from })
    : createOutboxMailer();
}

/** How this installation sends alert mails: what the API shows and renders mails with. */
export function alertMailSettings(config: Config): AlertMailSettings {
  return {
    delivery: config.mail.smtpUrl ? 'smtp' : 'outbox',
    cc: config.mail.alertCc,
    domain: senderDomain(config.mail.from),
  };
}

/** Starts the alert mail worker when mail can be delivered; otherwise says where mails wait. */
export function startMailService(opts: {
  db: Db;
  config: Config;
  logger: Logger;
  signal: AbortSignal;
  stats?: MailWorkerStats;
}): Promise<MailWorkerStats> | null {
  const mailer = buildMailer(opts.config);
  if (!mailer.delivers) {
    opts.logger.info('no SMTP_URL: alert mails stay queued in the alerts table (the outbox)');
    return null;
  }
  const settings = alertMailSettings(opts.config);
  return runMailWorker({
    db: opts.db,
    mailer,
    logger: opts.logger,
    signal: opts.signal,
    cc: settings.cc,
    timeZone: opts.config.displayTimeZone,
    domain: settings.domain,
    maxAgeMs: opts.config.mail.alertMaxAgeMs,
    ...(opts.stats ? { stats: opts.stats } : {}),
  }).finally(() => mailer.close());
}
