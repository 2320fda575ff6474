import type { Gender } from '../domain/rider.js';
import type { Queryable } from './db.js';

/** The NOTIFY channel on which a committed batch names the rides it changed. */
export const LIVE_CHANNEL = 'deloton_live';

// PostgreSQL refuses a NOTIFY payload of 8,000 bytes or more.
const MAX_PAYLOAD_BYTES = 7_900;

/** A ride's live facts as stored: its row, its rider's gender and name, its latest reading. */
export interface LiveRideRow {
  ride_id: number;
  bike_serial: string;
  rider_id: number;
  first_name: string | null;
  last_name: string | null;
  gender: Gender | null;
  rider_age: number | null;
  personal_max_bpm: number | null;
  started_at: Date;
  ended_at: Date | null;
  heard_at: Date;
  duration_s: number;
  avg_heart_rate: number | null;
  max_heart_rate: number | null;
  avg_power_w: number | null;
  energy_kj: number;
  alerts: number;
  last_alert_kind: 'high' | 'low' | null;
  elapsed_s: number | null;
  recorded_at: Date | null;
  heart_rate: number | null;
  rpm: number | null;
  resistance: number | null;
  power_w: number | null;
}

/** The pointer payloads of one batch: ride ids, comma-separated, each under NOTIFY's limit. */
export function livePayloads(rideIds: Iterable<number>): string[] {
  const out: string[] = [];
  let current = '';
  for (const id of new Set(rideIds)) {
    const s = String(id);
    if (current.length + s.length + 1 > MAX_PAYLOAD_BYTES) {
      out.push(current);
      current = '';
    }
    current = current ? `${current},${s}` : s;
  }
  if (current) out.push(current);
  return out;
}

/** Parses a payload of `livePayloads`; an empty or foreign payload names no ride. */
export function parseLivePayload(payload: string): number[] {
  if (!/^\d+(,\d+)*$/.test(payload)) return [];
  return payload.split(',').map(Number);
}

// The latest reading with telemetry (a Ride line stored at a batch boundary waits for its
// Telemetry line), and the latest resistance (a Telemetry-only second has none).
const SELECT = `
SELECT r.ride_id, r.bike_serial, r.rider_id, p.first_name, p.last_name, p.gender, r.rider_age,
       r.personal_max_bpm, r.started_at, r.ended_at, r.heard_at, r.duration_s, r.avg_heart_rate,
       r.max_heart_rate, r.avg_power_w, r.energy_kj,
       coalesce(a.n, 0)::int AS alerts, a.last_kind AS last_alert_kind,
       l.elapsed_s, l.recorded_at, l.heart_rate, l.rpm, l.power_w, z.resistance
FROM rides r
LEFT JOIN riders p ON p.rider_id = r.rider_id
LEFT JOIN LATERAL (
  SELECT x.elapsed_s, x.recorded_at, x.heart_rate, x.rpm, x.power_w FROM readings x
  WHERE x.ride_id = r.ride_id AND (x.heart_rate IS NOT NULL OR x.rpm IS NOT NULL OR x.power_w IS NOT NULL)
  ORDER BY x.elapsed_s DESC LIMIT 1
) l ON true
LEFT JOIN LATERAL (
  SELECT x.resistance FROM readings x
  WHERE x.ride_id = r.ride_id AND x.resistance IS NOT NULL
  ORDER BY x.elapsed_s DESC LIMIT 1
) z ON true
LEFT JOIN LATERAL (
  SELECT count(*) AS n, (array_agg(kind ORDER BY detected_at DESC))[1] AS last_kind
  FROM alerts WHERE alerts.ride_id = r.ride_id
) a ON true`;

/**
 * Rides being ridden: open, and heard from within `withinS` seconds (a bike that went quiet for
 * longer has left the floor, though its ride was never closed). With the database's clock.
 */
export async function openLiveRides(
  db: Queryable,
  withinS: number,
): Promise<{ rows: LiveRideRow[]; nowMs: number }> {
  const rows = await db.query<LiveRideRow & { db_now: Date }>(
    `${SELECT.replace('SELECT r.ride_id', 'SELECT now() AS db_now, r.ride_id')}
     WHERE r.ended_at IS NULL AND r.heard_at > now() - make_interval(secs => $1)
     ORDER BY r.ride_id`,
    [withinS],
  );
  const nowMs = rows[0]?.db_now.getTime() ?? (await dbNow(db));
  return { rows, nowMs };
}

/** These rides as they are now, ended or not; a ride deleted since is simply absent. */
export async function liveRidesById(
  db: Queryable,
  rideIds: readonly number[],
): Promise<LiveRideRow[]> {
  if (rideIds.length === 0) return [];
  return db.query<LiveRideRow>(`${SELECT} WHERE r.ride_id = ANY($1::bigint[]) ORDER BY r.ride_id`, [
    [...rideIds],
  ]);
}

/** The database's clock, in epoch ms. */
export async function dbNow(db: Queryable): Promise<number> {
  const [row] = await db.query<{ now: Date }>('SELECT now() AS now');
  return row!.now.getTime();
}
