import type { Queryable } from './db.js';

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
  const where: string[] = [];
  const params: (string | number)[] = [];
  const bind = (v: string | number): string => `$${params.push(v)}`;
  if (q.state) where.push(`state = ${bind(q.state)}`);
  if (q.kind) where.push(`kind = ${bind(q.kind)}`);
  if (q.riderId !== undefined) where.push(`rider_id = ${bind(q.riderId)}`);
  if (q.rideId !== undefined) where.push(`ride_id = ${bind(q.rideId)}`);
  if (q.sinceMs !== undefined)
    where.push(`detected_at >= ${bind(new Date(q.sinceMs).toISOString())}`);
  if (q.untilMs !== undefined)
    where.push(`detected_at < ${bind(new Date(q.untilMs).toISOString())}`);
  if (q.beforeId !== undefined) where.push(`alert_id < ${bind(q.beforeId)}`);
  return db.query<AlertRow>(
    `SELECT ${COLUMNS} FROM alerts ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY alert_id DESC LIMIT ${bind(q.limit)}`,
    params,
  );
}

/** One alert, or null. */
export async function getAlert(db: Queryable, alertId: number): Promise<AlertRow | null> {
  const rows = await db.query<AlertRow>(`SELECT ${COLUMNS} FROM alerts WHERE alert_id = $1`, [
    alertId,
  ]);
  return rows[0] ?? null;
}
