import type { Queryable } from './db.js';

/** The NOTIFY channel on which new alerts are announced (on commit of the batch that found them). */
export const ALERTS_CHANNEL = 'deloton_alerts';

/** An alert with what its mail needs: the ride, and the rider's name and email address. */
export interface AlertMailRow {
  readonly alert_id: number;
  readonly kind: 'high' | 'low';
  readonly limit_bpm: number;
  readonly readings: { elapsed_s: number; at: string; bpm: number }[];
  readonly started_at: Date;
  readonly bike_serial: string;
  readonly email: string | null;
  readonly title: string | null;
  readonly first_name: string | null;
  readonly last_name: string | null;
}

/** A queued alert claimed for delivery, with what the mail needs. */
export interface DueAlert extends AlertMailRow {
  readonly attempts: number;
}

// What a mail needs of an alert `c`, its ride `r` and its rider `p` (missing once erased).
const MAIL_COLUMNS = `c.alert_id, c.kind, c.limit_bpm, c.readings, r.started_at, r.bike_serial,
  p.email, p.title, p.first_name, p.last_name`;
const MAIL_JOINS = `JOIN rides r ON r.ride_id = c.ride_id LEFT JOIN riders p ON p.rider_id = c.rider_id`;

/** One alert with what its mail needs, or null when there is no such alert. */
export async function alertMailRow(db: Queryable, alertId: number): Promise<AlertMailRow | null> {
  const rows = await db.query<AlertMailRow>(
    `SELECT ${MAIL_COLUMNS} FROM alerts c ${MAIL_JOINS} WHERE c.alert_id = $1`,
    [alertId],
  );
  return rows[0] ?? null;
}

/**
 * Claims up to `limit` alerts due for delivery: each is leased for `leaseMs` (its next attempt
 * moves past the lease) so that another worker skips it, and a crashed worker's claim expires.
 */
export async function claimDueAlerts(
  db: Queryable,
  limit: number,
  leaseMs: number,
): Promise<DueAlert[]> {
  return db.query<DueAlert>(
    `WITH claimed AS (
       UPDATE alerts SET attempts = attempts + 1,
                         next_attempt_at = now() + $2 * interval '1 millisecond'
       WHERE alert_id IN (
         SELECT alert_id FROM alerts WHERE state = 'queued' AND next_attempt_at <= now()
         ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING alert_id, kind, limit_bpm, readings, attempts, ride_id, rider_id)
     SELECT ${MAIL_COLUMNS}, c.attempts FROM claimed c ${MAIL_JOINS}
     ORDER BY c.alert_id`,
    [limit, leaseMs],
  );
}

/**
 * Extends the lease of an alert about to be sent; false when this claim is no longer ours (it
 * expired and another worker claimed the alert: that worker sends it).
 */
export async function renewAlertLease(
  db: Queryable,
  alertId: number,
  attempts: number,
  leaseMs: number,
): Promise<boolean> {
  const rows = await db.query(
    `UPDATE alerts SET next_attempt_at = now() + $3 * interval '1 millisecond'
     WHERE alert_id = $1 AND attempts = $2 AND state = 'queued' RETURNING 1`,
    [alertId, attempts, leaseMs],
  );
  return rows.length > 0;
}

// Every outcome is recorded only by the claim that made it (same attempt number), so a worker
// whose lease ran out cannot overwrite the result of the one that took over.

/** Records a delivered alert. */
export async function markAlertSent(
  db: Queryable,
  alertId: number,
  attempts: number,
): Promise<void> {
  await db.query(
    `UPDATE alerts SET state = 'sent', sent_at = now(), last_error = NULL
     WHERE alert_id = $1 AND attempts = $2`,
    [alertId, attempts],
  );
}

/** Records a failed attempt; the alert is tried again after `retryInMs`. */
export async function markAlertRetry(
  db: Queryable,
  alertId: number,
  attempts: number,
  error: string,
  retryInMs: number,
): Promise<void> {
  await db.query(
    `UPDATE alerts SET last_error = $3, next_attempt_at = now() + $4 * interval '1 millisecond'
     WHERE alert_id = $1 AND attempts = $2`,
    [alertId, attempts, error.slice(0, 2_000), retryInMs],
  );
}

/** Records an alert that will never be delivered, and why. */
export async function markAlertFailed(
  db: Queryable,
  alertId: number,
  attempts: number,
  error: string,
): Promise<void> {
  await db.query(
    `UPDATE alerts SET state = 'failed', last_error = $3 WHERE alert_id = $1 AND attempts = $2`,
    [alertId, attempts, error.slice(0, 2_000)],
  );
}

/** Fails queued alerts detected longer ago than `maxAgeMs`: advice about an old ride is no help. */
export async function failStaleAlerts(db: Queryable, maxAgeMs: number): Promise<number> {
  const rows = await db.query(
    `UPDATE alerts SET state = 'failed',
       last_error = 'not mailed: detected ' || $1::text || ' or more before it could be sent'
     WHERE state = 'queued' AND detected_at < now() - $2 * interval '1 millisecond'
     RETURNING 1`,
    [`${Math.round(maxAgeMs / 60_000)} min`, maxAgeMs],
  );
  return rows.length;
}
