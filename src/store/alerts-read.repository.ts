import type { Queryable } from './db.js';
import { Filters } from './sql-filters.js';

/** An alert and its delivery state, as staff read it. */
export interface AlertRow {
  readonly alert_id: number;
  readonly ride_id: number;
  readonly rider_id: number;
  readonly kind: 'high' | 'low';
  readonly readings: { elapsed_s: number; at: string; bpm: number }[];
  readonly limit_bpm: number;
  readonly detected_at: Date;
  readonly elapsed_s: number;
  readonly state: 'queued' | 'sent' | 'failed';
  readonly attempts: number;
  readonly last_error: string | null;
  readonly next_attempt_at: Date;
  readonly sent_at: Date | null;
}

export interface AlertQuery {
  readonly state?: 'queued' | 'sent' | 'failed' | undefined;
  readonly kind?: 'high' | 'low' | undefined;
  readonly riderId?: number | undefined;
  readonly rideId?: number | undefined;
  readonly sinceMs?: number | undefined;
  readonly untilMs?: number | undefined;
  /** Only alerts with a smaller id (newest first paging). */
  readonly beforeId?: number | undefined;
  readonly limit: number;
}

const COLUMNS = `alert_id, ride_id, rider_id, kind, readings, limit_bpm, detected_at, elapsed_s,
  state, attempts, last_error, next_attempt_at, sent_at`;

/** Alerts newest first, filtered; every filter is a bound parameter. */
export async function listAlerts(db: Queryable, q: AlertQuery): Promise<AlertRow[]> {
  const f = new Filters()
    .when(q.state, (p) => `state = ${p}`)
    .when(q.kind, (p) => `kind = ${p}`)
    .when(q.riderId, (p) => `rider_id = ${p}`)
    .when(q.rideId, (p) => `ride_id = ${p}`)
    .whenInstant(q.sinceMs, (p) => `detected_at >= ${p}`)
    .whenInstant(q.untilMs, (p) => `detected_at < ${p}`)
    .when(q.beforeId, (p) => `alert_id < ${p}`);
  return db.query<AlertRow>(
    `SELECT ${COLUMNS} FROM alerts ${f.where()} ORDER BY alert_id DESC LIMIT ${f.bind(q.limit)}`,
    f.params,
  );
}

/** One alert, or null. */
export async function getAlert(db: Queryable, alertId: number): Promise<AlertRow | null> {
  const rows = await db.query<AlertRow>(`SELECT ${COLUMNS} FROM alerts WHERE alert_id = $1`, [
    alertId,
  ]);
  return rows[0] ?? null;
}
