import type { Logger } from 'pino';
import { mailOfAlert } from '../mail/alert-mail.js';
import type { Mailer } from '../mail/mailer.js';
import { retryDelayMs } from '../mail/retry-delay.js';
import {
  ALERTS_CHANNEL,
  claimDueAlerts,
  failStaleAlerts,
  markAlertFailed,
  markAlertRetry,
  markAlertSent,
  renewAlertLease,
  type DueAlert,
} from '../store/alerts.repository.js';
import type { Db } from '../store/db.js';

export interface MailWorkerOptions {
  readonly db: Db;
  readonly mailer: Mailer;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  /** Staff copy of every alert mail (ALERT_CC). */
  readonly cc: string | null;
  /** Zone the mails show times in. */
  readonly timeZone: string;
  /** Domain of the mails' Message-IDs. */
  readonly domain: string;
  /** A sweep for due alerts runs this often even without a notification. */
  readonly sweepMs?: number;
  readonly maxAttempts?: number;
  /** Live counts, updated as the worker goes (for /health); a fresh object when omitted. */
  readonly stats?: MailWorkerStats;
  /** Alerts detected longer ago than this are not mailed (null: no limit). */
  readonly maxAgeMs: number | null;
}

/** Delivery counts, also the worker's health. */
export interface MailWorkerStats {
  sent: number;
  failed: number;
  retried: number;
  lastError: string | null;
}

/** Counts at zero. */
export function newMailWorkerStats(): MailWorkerStats {
  return { sent: 0, failed: 0, retried: 0, lastError: null };
}

const BATCH = 20;
// A claimed alert is hidden from other workers this long; a worker that dies frees it then.
const LEASE_MS = 60_000;

// The backoff is the mail lane's, shared with the report mails.
export { retryDelayMs } from '../mail/retry-delay.js';

/** Sends queued alerts until `signal` aborts: woken by NOTIFY, and by a sweep timer as a fallback. */
export async function runMailWorker(o: MailWorkerOptions): Promise<MailWorkerStats> {
  const log = o.logger.child({ lane: 'alerts' });
  const stats: MailWorkerStats = o.stats ?? newMailWorkerStats();
  let wake: (() => void) | null = null;
  // Set by a notification (or stop) that arrives while the worker is busy, so it is not lost.
  const notified = { pending: false };
  const poke = (): void => {
    notified.pending = true;
    wake?.();
    wake = null;
  };
  const unlisten = await o.db.listen(ALERTS_CHANNEL, poke);
  o.signal.addEventListener('abort', poke, { once: true });
  log.info({ sweepMs: o.sweepMs ?? 5_000 }, 'mail worker started');
  try {
    while (!o.signal.aborted) {
      notified.pending = false;
      let due: DueAlert[] = [];
      try {
        if (o.maxAgeMs !== null) {
          const stale = await failStaleAlerts(o.db, o.maxAgeMs);
          if (stale > 0) log.warn({ stale }, 'alerts too old to mail marked failed');
        }
        due = await claimDueAlerts(o.db, BATCH, LEASE_MS);
      } catch (e) {
        stats.lastError = (e as Error).message;
        log.warn({ err: stats.lastError }, 'claiming alerts failed; retrying');
      }
      for (const a of due) {
        // Stopping: the rest keep their lease and are sent after it expires, here or elsewhere.
        if (o.signal.aborted) break;
        try {
          await deliver(a, o, stats, log);
        } catch (e) {
          // Recording the outcome failed (database down): the lease expires and it is tried again.
          stats.lastError = (e as Error).message;
          log.warn({ alertId: a.alert_id, err: stats.lastError }, 'recording a delivery failed');
        }
      }
      if (due.length === BATCH || notified.pending) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, o.sweepMs ?? 5_000);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    o.signal.removeEventListener('abort', poke);
    await unlisten().catch(() => undefined);
    log.info(stats, 'mail worker stopped');
  }
  return stats;
}

async function deliver(
  a: DueAlert,
  o: MailWorkerOptions,
  stats: MailWorkerStats,
  log: Logger,
): Promise<void> {
  const at = { alertId: a.alert_id, kind: a.kind, attempt: a.attempts };
  const mail = mailOfAlert(a, o);
  if (!mail) {
    await markAlertFailed(o.db, a.alert_id, a.attempts, 'the rider has no email address');
    stats.failed++;
    log.warn(at, 'alert not mailed: rider has no email address');
    return;
  }
  // Earlier alerts of this claim may have taken a while: keep the lease, or leave it to its owner.
  if (!(await renewAlertLease(o.db, a.alert_id, a.attempts, LEASE_MS))) return;
  const res = await o.mailer.send(mail);
  switch (res.kind) {
    case 'sent':
      await markAlertSent(o.db, a.alert_id, a.attempts);
      stats.sent++;
      log.info({ ...at, to: mail.to }, 'alert mailed');
      return;
    case 'rejected':
      await markAlertFailed(o.db, a.alert_id, a.attempts, res.error);
      stats.failed++;
      log.warn({ ...at, error: res.error }, 'alert mail rejected by the server; not retried');
      return;
    case 'retry':
    case 'held': {
      const error = res.kind === 'retry' ? res.error : 'no mail server configured';
      stats.lastError = error;
      if (a.attempts >= (o.maxAttempts ?? 12)) {
        await markAlertFailed(
          o.db,
          a.alert_id,
          a.attempts,
          `gave up after ${a.attempts} attempts: ${error}`,
        );
        stats.failed++;
        log.error({ ...at, error }, 'alert mail given up');
        return;
      }
      const retryInMs = retryDelayMs(a.attempts);
      await markAlertRetry(o.db, a.alert_id, a.attempts, error, retryInMs);
      stats.retried++;
      log.warn({ ...at, error, retryInMs }, 'alert mail failed; will retry');
      return;
    }
  }
}
