// The BI figures computed here, in JavaScript, from the base tables' rows: what every analytics
// view must equal. Days and hours are cut with Intl, independently of the SQL.
import { ageBandOf, ageOn } from '../../src/domain/age.js';
import type { Db } from '../../src/store/db.js';

export interface BaseRide {
  ride_id: number;
  rider_id: number;
  bike_serial: string;
  started_at: Date;
  ended_at: Date | null;
  duration_s: number;
  reading_count: number;
  avg_heart_rate: number | null;
  max_heart_rate: number | null;
  avg_power_w: number | null;
  max_power_w: number | null;
  energy_kj: number;
  rider_age: number | null;
  personal_max_bpm: number | null;
  seconds_above_max: number;
  gender: string | null;
  alerts: number;
}

/** Every ride with its rider's gender and its alert count, straight from the tables. */
export function baseRides(db: Db): Promise<BaseRide[]> {
  return db.query<BaseRide>(
    `SELECT r.ride_id, r.rider_id, r.bike_serial, r.started_at, r.ended_at, r.duration_s,
       r.reading_count, r.avg_heart_rate, r.max_heart_rate, r.avg_power_w, r.max_power_w,
       r.energy_kj, r.rider_age, r.personal_max_bpm, r.seconds_above_max, p.gender,
       (SELECT count(*) FROM alerts a WHERE a.ride_id = r.ride_id)::int AS alerts
     FROM rides r LEFT JOIN riders p ON p.rider_id = r.rider_id ORDER BY r.ride_id`,
  );
}

/** The local day (YYYY-MM-DD) and hour (0-23) of an instant in a time zone. */
export function localDayHour(at: Date, timeZone: string): { day: string; hour: number } {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return { day: `${get('year')}-${get('month')}-${get('day')}`, hour: Number(get('hour')) };
}

/** The figures a group of rides adds up to, as the views define them. */
export interface GroupExpect {
  rides: number;
  riders: number;
  ride_time_s: number;
  energy_kj: number;
  avg_heart_rate: number | null;
  avg_power_w: number | null;
  alerts: number;
  seconds_above_max: number;
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** A group's figures: counts, sums, and averages weighted by readings. */
export function groupFigures(rides: readonly BaseRide[]): GroupExpect {
  const weighted = (pick: (r: BaseRide) => number | null): number | null => {
    const withValue = rides.filter((r) => pick(r) !== null);
    const n = sum(withValue.map((r) => r.reading_count));
    return n === 0 ? null : sum(withValue.map((r) => pick(r)! * r.reading_count)) / n;
  };
  return {
    rides: rides.length,
    riders: new Set(rides.map((r) => r.rider_id)).size,
    ride_time_s: sum(rides.map((r) => r.duration_s)),
    energy_kj: sum(rides.map((r) => r.energy_kj)),
    avg_heart_rate: weighted((r) => r.avg_heart_rate),
    avg_power_w: weighted((r) => r.avg_power_w),
    alerts: sum(rides.map((r) => r.alerts)),
    seconds_above_max: sum(rides.map((r) => r.seconds_above_max)),
  };
}

/** Rides grouped by a key, each group's figures. */
export function groupBy(
  rides: readonly BaseRide[],
  key: (r: BaseRide) => string,
): Map<string, GroupExpect> {
  const groups = new Map<string, BaseRide[]>();
  for (const r of rides) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
  return new Map([...groups].map(([k, rs]) => [k, groupFigures(rs)]));
}

/** The age band label of a ride's rider, as the views name it. */
export const bandLabel = (age: number | null): string => ageBandOf(age)?.label ?? 'unknown';

export interface BaseRider {
  rider_id: number;
  gender: string;
  birth_date: string | null;
  height_cm: number | null;
  weight_kg: number | null;
  account_created: string | null;
  original_source: string | null;
}

/** What analytics.riders must hold for each stored rider, keyed by id. */
export async function expectedRiders(db: Db, rides: readonly BaseRide[], nowMs: number) {
  const riders = await db.query<BaseRider>(
    `SELECT rider_id, gender, birth_date, height_cm, weight_kg, account_created, original_source
     FROM riders`,
  );
  return new Map(
    riders.map((p) => {
      const theirs = rides.filter((r) => r.rider_id === p.rider_id);
      const starts = theirs.map((r) => r.started_at.getTime());
      const bmi =
        p.height_cm && p.weight_kg
          ? Math.round((p.weight_kg / (p.height_cm / 100) ** 2) * 10) / 10
          : null;
      return [
        p.rider_id,
        {
          gender: p.gender,
          birth_year: p.birth_date ? Number(p.birth_date.slice(0, 4)) : null,
          age_band: bandLabel(p.birth_date ? ageOn(p.birth_date, nowMs) : null),
          height_cm: p.height_cm,
          weight_kg: p.weight_kg,
          bmi,
          account_created: p.account_created,
          original_source: p.original_source,
          ride_count: theirs.length,
          first_ride_ms: starts.length ? Math.min(...starts) : null,
          last_ride_ms: starts.length ? Math.max(...starts) : null,
        },
      ] as const;
    }),
  );
}
