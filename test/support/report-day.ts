// A day of simulated rides for the report's tests, and its figures computed here, from the stored
// rows with plain SQL and arithmetic, independently of the store's report queries.
import { HEART_RATE_ZONES, zoneOf } from '../../src/domain/heart-rate-zones.js';
import type { Db } from '../../src/store/db.js';
import { ingestFile, tempFile } from './ingest.js';
import { simFileFeed } from './sim-feed.js';

export const REPORT_ZONE = 'Europe/London';
/** The report's day: Wednesday 6 July 2022 in London (BST), 23:00 UTC on the 5th to 23:00 on the 6th. */
export const REPORT_DAY = '2022-07-06';
export const REPORT_DAY_FROM = Date.UTC(2022, 6, 5, 23);
export const REPORT_DAY_UNTIL = Date.UTC(2022, 6, 6, 23);

/** Ingests the report's day (8 bikes from 07:00 to about 10:00 local, many alerts) and a smaller day before. */
export async function seedReportDays(db: Db): Promise<void> {
  const dayBefore = simFileFeed({
    bikes: 3,
    ridesPerBike: 4,
    seed: 11,
    startMs: Date.UTC(2022, 6, 5, 9),
    abnormalShare: 0.3,
    rideSeconds: [300, 600],
    firstUserId: 9_000,
  });
  const day = simFileFeed({
    bikes: 8,
    ridesPerBike: 10,
    seed: 7,
    startMs: Date.UTC(2022, 6, 6, 6),
    abnormalShare: 0.4,
    rideSeconds: [300, 1_000],
    firstUserId: 100,
  });
  await ingestFile(db, tempFile(dayBefore.lines), { maxBatch: 5_000 });
  await ingestFile(db, tempFile(day.lines), { maxBatch: 5_000 });
}

interface StoredRide {
  rider_id: number;
  gender: string | null;
  first_name: string | null;
  last_name: string | null;
  started_at: Date;
  duration_s: number;
  reading_count: number;
  avg_heart_rate: number | null;
  avg_power_w: number | null;
  energy_kj: number;
  personal_max_bpm: number | null;
}

/** The figures of rides started in [fromMs, untilMs), computed from the stored rows. */
export async function expectedFigures(db: Db, fromMs: number, untilMs: number) {
  const rides = await db.query<StoredRide>(
    `SELECT r.rider_id, p.gender, p.first_name, p.last_name, r.started_at, r.duration_s,
            r.reading_count, r.avg_heart_rate, r.avg_power_w, r.energy_kj, r.personal_max_bpm
     FROM rides r LEFT JOIN riders p USING (rider_id)
     WHERE r.started_at >= $1 AND r.started_at < $2`,
    [new Date(fromMs), new Date(untilMs)],
  );
  const [alerts] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM alerts a
     WHERE a.ride_id IN (SELECT ride_id FROM rides WHERE started_at >= $1 AND started_at < $2)`,
    [new Date(fromMs), new Date(untilMs)],
  );
  const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
  const weighted = (pick: (r: StoredRide) => number | null): number | null => {
    const withValue = rides.filter((r) => pick(r) !== null);
    const n = sum(withValue.map((r) => r.reading_count));
    return n === 0 ? null : sum(withValue.map((r) => pick(r)! * r.reading_count)) / n;
  };
  const byRider = new Map<number, StoredRide[]>();
  for (const r of rides) byRider.set(r.rider_id, [...(byRider.get(r.rider_id) ?? []), r]);
  const riders = [...byRider.entries()]
    .map(([riderId, rs]) => ({
      riderId,
      name: `${rs[0]!.first_name} ${rs[0]!.last_name}`,
      rideCount: rs.length,
      energyKj: sum(rs.map((r) => r.energy_kj)),
    }))
    .sort((a, b) => b.energyKj - a.energyKj || a.riderId - b.riderId);
  const zoneCount = (id: string | null) =>
    rides.filter((r) => (zoneOf(r.avg_heart_rate, r.personal_max_bpm)?.id ?? null) === id).length;
  return {
    rideCount: rides.length,
    riders: byRider.size,
    totalDurationS: sum(rides.map((r) => r.duration_s)),
    totalEnergyKj: sum(rides.map((r) => r.energy_kj)),
    avgHeartRate: weighted((r) => r.avg_heart_rate),
    avgPowerW: weighted((r) => r.avg_power_w),
    alerts: alerts?.n ?? 0,
    genderRides: (g: string) => rides.filter((r) => (r.gender ?? 'unknown') === g).length,
    hourRides: (hourStartMs: number) =>
      rides.filter(
        (r) =>
          r.started_at.getTime() >= hourStartMs && r.started_at.getTime() < hourStartMs + 3_600_000,
      ).length,
    zoneRides: [...HEART_RATE_ZONES.map((z) => zoneCount(z.id)), zoneCount(null)],
    topRiders: riders,
  };
}
