import type { Queryable } from './db.js';

/** What became of a stored report (see migration 012). */
export type ReportState = 'pending' | 'sent' | 'failed' | 'stored';

/** A stored report without its PDF, as the API lists it. */
export interface StoredReport {
  /** `YYYY-MM-DD` */
  readonly day: string;
  readonly time_zone: string;
  readonly generated_at: Date | null;
  readonly state: ReportState;
  readonly recipients: string[];
  readonly attempts: number;
  readonly last_error: string | null;
  readonly sent_at: Date | null;
  /** Size of the PDF in bytes; null until built. */
  readonly pdf_bytes: number | null;
}

/** A report claimed for building and sending. */
export interface ClaimedReport {
  readonly day: string;
  readonly time_zone: string;
  readonly attempts: number;
  /** null until built: the claimer builds it first. */
  readonly pdf: Uint8Array | null;
  readonly summary: unknown;
  /** Whom earlier attempts reached already. */
  readonly recipients: string[];
}

const LIST_COLUMNS = `day, time_zone, generated_at, state, recipients, attempts, last_error, sent_at,
  octet_length(pdf) AS pdf_bytes`;

/** Stored reports, newest day first. */
export async function listReports(db: Queryable, limit = 366): Promise<StoredReport[]> {
  return db.query<StoredReport>(`SELECT ${LIST_COLUMNS} FROM reports ORDER BY day DESC LIMIT $1`, [
    limit,
  ]);
}

/** One stored report, without its PDF; null when the day has none. */
export async function storedReport(db: Queryable, day: string): Promise<StoredReport | null> {
  const rows = await db.query<StoredReport>(`SELECT ${LIST_COLUMNS} FROM reports WHERE day = $1`, [
    day,
  ]);
  return rows[0] ?? null;
}

/** The stored PDF of a day; null when the day has none built. */
export async function storedReportPdf(db: Queryable, day: string): Promise<Uint8Array | null> {
  const rows = await db.query<{ pdf: Uint8Array | null }>(
    'SELECT pdf FROM reports WHERE day = $1',
    [day],
  );
  return rows[0]?.pdf ?? null;
}

/** The latest day with a report row, or null when there is none (a new installation). */
export async function latestReportDay(db: Queryable): Promise<string | null> {
  const [row] = await db.query<{ day: string | null }>('SELECT max(day) AS day FROM reports');
  return row?.day ?? null;
}

/**
 * Queues the days' reports for the schedule; a day already there (queued, sent or failed by
 * any process) is left alone, so each day is sent once. Returns the days queued now.
 */
export async function queueReports(
  db: Queryable,
  days: readonly string[],
  timeZone: string,
): Promise<string[]> {
  if (days.length === 0) return [];
  const rows = await db.query<{ day: string }>(
    `INSERT INTO reports (day, time_zone)
     SELECT d::date, $2 FROM unnest($1::text[]) AS d
     ON CONFLICT (day) DO NOTHING RETURNING day`,
    [days, timeZone],
  );
  return rows.map((r) => r.day).sort();
}

/**
 * Claims the oldest pending report that is due: leased for `leaseMs` (its next attempt moves past
 * the lease), so that other processes skip it and a crashed process's claim runs out.
 */
export async function claimDueReport(
  db: Queryable,
  leaseMs: number,
): Promise<ClaimedReport | null> {
  const rows = await db.query<ClaimedReport>(
    `UPDATE reports SET attempts = attempts + 1,
                        next_attempt_at = now() + $1 * interval '1 millisecond'
     WHERE day = (SELECT day FROM reports WHERE state = 'pending' AND next_attempt_at <= now()
                  ORDER BY day LIMIT 1 FOR UPDATE SKIP LOCKED)
     RETURNING day, time_zone, attempts, pdf, summary, recipients`,
    [leaseMs],
  );
  return rows[0] ?? null;
}

// Every write below is made only by the claim that holds the report (same attempt number), so a
// process whose lease ran out cannot overwrite what the one that took over did.

/** Keeps the built PDF of a claimed report; false when the claim is no longer ours. */
export async function saveReportPdf(
  db: Queryable,
  day: string,
  attempts: number,
  pdf: Uint8Array,
  summary: unknown,
  generatedAt: Date,
): Promise<boolean> {
  const rows = await db.query(
    `UPDATE reports SET pdf = $3, summary = $4::jsonb, generated_at = $5
     WHERE day = $1 AND attempts = $2 AND state = 'pending' RETURNING 1`,
    [day, attempts, pdf, JSON.stringify(summary), generatedAt],
  );
  return rows.length > 0;
}

/** Extends the lease of a report about to be sent; false when the claim is no longer ours. */
export async function renewReportLease(
  db: Queryable,
  day: string,
  attempts: number,
  leaseMs: number,
): Promise<boolean> {
  const rows = await db.query(
    `UPDATE reports SET next_attempt_at = now() + $3 * interval '1 millisecond'
     WHERE day = $1 AND attempts = $2 AND state = 'pending' RETURNING 1`,
    [day, attempts, leaseMs],
  );
  return rows.length > 0;
}

/** Records the outcome of a claimed report: sent to, kept unsent, or given up. */
export async function finishReport(
  db: Queryable,
  day: string,
  attempts: number,
  outcome:
    | { readonly kind: 'sent'; readonly recipients: readonly string[] }
    | { readonly kind: 'stored'; readonly reason: string }
    | { readonly kind: 'failed'; readonly error: string; readonly recipients: readonly string[] },
): Promise<void> {
  switch (outcome.kind) {
    case 'sent':
      await db.query(
        `UPDATE reports SET state = 'sent', sent_at = now(), recipients = $3, last_error = NULL
         WHERE day = $1 AND attempts = $2`,
        [day, attempts, outcome.recipients],
      );
      return;
    case 'stored':
      await db.query(
        `UPDATE reports SET state = 'stored', last_error = $3 WHERE day = $1 AND attempts = $2`,
        [day, attempts, outcome.reason],
      );
      return;
    case 'failed':
      await db.query(
        `UPDATE reports SET state = 'failed', recipients = $3, last_error = $4
         WHERE day = $1 AND attempts = $2`,
        [day, attempts, outcome.recipients, outcome.error.slice(0, 2_000)],
      );
      return;
  }
}

/**
 * Records a failed attempt, and whom it reached all the same (`delivered`, who are not mailed
 * again); the report is tried again after `retryInMs`.
 */
export async function retryReport(
  db: Queryable,
  day: string,
  attempts: number,
  error: string,
  retryInMs: number,
  delivered: readonly string[],
): Promise<void> {
  await db.query(
    `UPDATE reports SET last_error = $3, next_attempt_at = now() + $4 * interval '1 millisecond',
                        recipients = $5
     WHERE day = $1 AND attempts = $2`,
    [day, attempts, error.slice(0, 2_000), retryInMs, delivered],
  );
}

/** When the next pending report falls due, or null when none is pending. */
export async function nextReportAttempt(db: Queryable): Promise<Date | null> {
  const [row] = await db.query<{ at: Date | null }>(
    `SELECT min(next_attempt_at) AS at FROM reports WHERE state = 'pending'`,
  );
  return row?.at ?? null;
}
