import type { Db } from '../../src/store/db.js';

export interface Snapshot {
  riders: unknown[];
  rides: unknown[];
  readings: unknown[];
  rejected: unknown[];
  offsets: unknown[];
  alerts: unknown[];
}

/** Everything ingestion wrote, in a stable order, without the columns that record wall-clock time. */
export async function snapshot(db: Db): Promise<Snapshot> {
  return {
    riders: await db.query('SELECT * FROM riders ORDER BY rider_id'),
    rides: await db.query(
      `SELECT rider_id, bike_serial, bike_key, started_at, ended_at, duration_s, reading_count,
              round(avg_heart_rate::numeric, 6) AS avg_hr, min_heart_rate, max_heart_rate,
              round(avg_rpm::numeric, 6) AS avg_rpm, round(avg_resistance::numeric, 6) AS avg_res,
              round(avg_power_w::numeric, 6) AS avg_pw, max_power_w, round(energy_kj::numeric, 6) AS kj,
              rider_age, personal_max_bpm, seconds_above_max
       FROM rides ORDER BY bike_serial, started_at`,
    ),
    readings: await db.query(
      `SELECT r.bike_serial, r.started_at, x.elapsed_s, x.recorded_at, x.heart_rate, x.rpm, x.resistance, x.power_w
       FROM readings x JOIN rides r USING (ride_id) ORDER BY r.bike_serial, r.started_at, x.elapsed_s`,
    ),
    rejected: await db.query(
      'SELECT source, partition, position, raw, reason, rider_id FROM rejected_messages ORDER BY source, partition, position',
    ),
    offsets: await db.query(
      'SELECT source, partition, position, identity FROM source_offsets ORDER BY source, partition',
    ),
    alerts: await db.query(
      `SELECT r.bike_serial, r.started_at, a.rider_id, a.kind, a.readings, a.limit_bpm,
              a.detected_at, a.elapsed_s, a.state
       FROM alerts a JOIN rides r USING (ride_id)
       ORDER BY r.bike_serial, r.started_at, a.elapsed_s, a.kind`,
    ),
  };
}
