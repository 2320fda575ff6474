import type { Logger } from 'pino';
import type { Mailer } from '../mail/mailer.js';
import { retryDelayMs } from '../mail/retry-delay.js';
import type { Db } from '../store/db.js';
import {
  claimDueReport,
  finishReport,
  latestReportDay,
  nextReportAttempt,
  queueReports,
  renewReportLease,
  retryReport,
  saveReportPdf,
  type ClaimedReport,
} from '../store/reports.repository.js';
import { buildDailyReport } from './report-builder.js';
import { reportMail, summaryOf, type ReportSummary } from './report-mail.js';
import { renderReportPdf } from './report-pdf.js';
import { dueReportDays, nextRunMs, type ReportSchedule } from '../domain/report-schedule.js';

/** What the schedule needs. */
export interface ReportSchedulerOptions {
  /** The primary: the `reports` table is the schedule's outbox. */
  readonly db: Db;
  /** Where a report's figures are read (a replica; `db` without it). */
  readonly readDb?: Db;
  readonly mailer: Mailer;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  readonly schedule: ReportSchedule;
  /** REPORT_RECIPIENTS; none: reports are built and stored, not mailed. */
  readonly recipients: readonly string[];
  /** Domain of the mails' Message-IDs. */
  readonly domain: string;
  readonly now?: () => number;
  /** Days missed while every process was down are caught up this far back (default 7). */
  readonly catchUpDays?: number;
  /** Sends are given up after this many attempts (default 40: about 6 hours of backoff). */
  readonly maxAttempts?: number;
  /** The longest sleep between looks at the table, for other processes' expired leases. */
  readonly sweepMs?: number;
  readonly stats?: ReportSchedulerStats;
}

/** What the schedule has done, also its health. */
export interface ReportSchedulerStats {
  built: number;
  sent: number;
  failed: number;
  retried: number;
  lastDay: string | null;
  lastError: string | null;
  nextRunAt: string | null;
}

/** Counts at zero. */
export function newReportSchedulerStats(): ReportSchedulerStats {
  return {
    built: 0,
    sent: 0,
    failed: 0,
    retried: 0,
    lastDay: null,
    lastError: null,
    nextRunAt: null,
  };
}

// A claimed report is hidden from other processes this long: building takes seconds, sending
// one mail per recipient at most the SMTP timeouts each.
const LEASE_MS = 5 * 60_000;

/** Runs the daily report schedule until `signal` aborts; any number of processes may run it. */
export async function runReportScheduler(o: ReportSchedulerOptions): Promise<ReportSchedulerStats> {
  const log = o.logger.child({ lane: 'reports' });
  const now = o.now ?? Date.now;
  const stats = o.stats ?? newReportSchedulerStats();
  let wake: (() => void) | null = null;
  const stop = (): void => wake?.();
  o.signal.addEventListener('abort', stop, { once: true });
  log.info(
    { cron: o.schedule.cron, timeZone: o.schedule.timeZone, recipients: o.recipients.length },
    'report schedule started',
  );
  try {
    while (!o.signal.aborted) {
      try {
        const latest = await latestReportDay(o.db);
        const due = dueReportDays(o.schedule, now(), latest, o.catchUpDays ?? 7);
        const queued = await queueReports(o.db, due, o.schedule.timeZone);
        if (queued.length > 0) log.info({ days: queued }, 'reports queued');
        let claim: ClaimedReport | null;
        while (!o.signal.aborted && (claim = await claimDueReport(o.db, LEASE_MS)))
          await handle(claim, o, stats, log, now);
      } catch (e) {
        // The database is down, most likely: look again after the sweep.
        stats.lastError = (e as Error).message;
        log.warn({ err: stats.lastError }, 'report schedule could not run; retrying');
      }
      const next = nextRunMs(o.schedule, now());
      stats.nextRunAt = next === null ? null : new Date(next).toISOString();
      const retryAt = await nextReportAttempt(o.db).catch(() => null);
      const until = Math.min(
        next ?? Infinity,
        retryAt?.getTime() ?? Infinity,
        now() + (o.sweepMs ?? 60_000),
      );
      await new Promise<void>((resolve) => {
        // Timers past 2^31 ms fire at once; the sweep caps the wait long before that.
        const timer = setTimeout(resolve, Math.max(250, until - now()));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
  } finally {
    o.signal.removeEventListener('abort', stop);
    log.info(stats, 'report schedule stopped');
  }
  return stats;
}

/** Builds a claimed report if needed, then mails it to whoever it has not reached yet. */
async function handle(
  c: ClaimedReport,
  o: ReportSchedulerOptions,
  stats: ReportSchedulerStats,
  log: Logger,
  now: () => number,
): Promise<void> {
  const at = { day: c.day, attempt: c.attempts };
  const built = await ensureBuilt(c, o, stats, log, now);
  if (!built) return;
  const { pdf, summary } = built;
  if (o.recipients.length === 0 || !o.mailer.delivers) {
    const reason =
      o.recipients.length === 0 ? 'no REPORT_RECIPIENTS' : 'no SMTP_URL: the report is not mailed';
    await finishReport(o.db, c.day, c.attempts, { kind: 'stored', reason });
    log.info({ ...at, reason }, 'report stored, not mailed');
    return;
  }
  if (!(await renewReportLease(o.db, c.day, c.attempts, LEASE_MS))) return;
  const delivered = [...c.recipients];
  const refused: string[] = [];
  for (const to of o.recipients.filter((r) => !c.recipients.includes(r))) {
    const res = await o.mailer.send(reportMail({ summary, pdf, to, domain: o.domain }));
    switch (res.kind) {
      case 'sent':
        delivered.push(to);
        log.info({ ...at, to }, 'report mailed');
        break;
      case 'rejected':
        refused.push(`${to}: ${res.error}`);
        log.warn({ ...at, to, error: res.error }, 'report mail refused by the server; not retried');
        break;
      case 'retry':
      case 'held': {
        const error = res.kind === 'retry' ? res.error : 'no mail server configured';
        stats.lastError = error;
        if (c.attempts >= (o.maxAttempts ?? 40)) {
          await finishReport(o.db, c.day, c.attempts, {
            kind: 'failed',
            error: `gave up after ${c.attempts} attempts: ${error}`,
            recipients: delivered,
          });
          stats.failed++;
          log.error({ ...at, error }, 'report mail given up');
          return;
        }
        const retryInMs = retryDelayMs(c.attempts);
        await retryReport(o.db, c.day, c.attempts, error, retryInMs, delivered);
        stats.retried++;
        log.warn(
          { ...at, error, retryInMs, delivered: delivered.length },
          'report mail failed; will retry',
        );
        return;
      }
    }
  }
  if (delivered.length > 0) {
    await finishReport(o.db, c.day, c.attempts, { kind: 'sent', recipients: delivered });
    stats.sent++;
    if (refused.length > 0) stats.lastError = refused.join('; ');
  } else {
    await finishReport(o.db, c.day, c.attempts, {
      kind: 'failed',
      error: refused.join('; '),
      recipients: [],
    });
    stats.failed++;
  }
}

/** The claimed report's PDF and summary, built and saved now when missing; null when not ours. */
async function ensureBuilt(
  c: ClaimedReport,
  o: ReportSchedulerOptions,
  stats: ReportSchedulerStats,
  log: Logger,
  now: () => number,
): Promise<{ pdf: Uint8Array; summary: ReportSummary } | null> {
  if (c.pdf !== null && c.summary !== null)
    return { pdf: c.pdf, summary: c.summary as ReportSummary };
  const at = { day: c.day, attempt: c.attempts };
  try {
    const startedMs = Date.now();
    const report = await buildDailyReport({
      db: o.readDb ?? o.db,
      date: c.day,
      timeZone: c.time_zone,
      audience: 'admin',
      nowMs: now(),
    });
    const pdf = await renderReportPdf(report);
    const summary = summaryOf(report);
    if (!(await saveReportPdf(o.db, c.day, c.attempts, pdf, summary, new Date(now())))) return null;
    stats.built++;
    stats.lastDay = c.day;
    log.info(
      { ...at, bytes: pdf.byteLength, ms: Date.now() - startedMs, rides: report.totals.rideCount },
      'report built',
    );
    return { pdf, summary };
  } catch (e) {
    const error = `building the report failed: ${(e as Error).message}`;
    stats.lastError = error;
    await retryReport(o.db, c.day, c.attempts, error, retryDelayMs(c.attempts), c.recipients);
    log.error({ ...at, err: error }, 'report not built; will retry');
    return null;
  }
}
