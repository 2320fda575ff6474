import { AGE_BANDS } from '../domain/age.js';
import { HEART_RATE_ZONES } from '../domain/heart-rate-zones.js';
import { ageBandIndex, ageBandLabel } from './age-band-sql.js';
import type { Db, Queryable } from './db.js';
import { compile } from './sql.js';
import { zoneIndex } from './zone-sql.js';

// The BI views group by age band and heart-rate zone through two SQL functions and two label
// tables. Their source is the lists in domain/: `migrate` writes them again whenever the lists
// differ from what the database holds, like a repeatable migration, so SQL never keeps a copy.

interface FunctionBody {
  readonly name: string;
  readonly signature: string;
  readonly returns: 'integer' | 'text';
  readonly body: string;
}

const bodyOf = (fragment: ReturnType<typeof ageBandIndex>): string => {
  const { text, params } = compile(fragment);
  if (params.length) throw new Error('a generated SQL function takes no parameters');
  return ` SELECT ${text} `;
};

/** The analytics functions generated from the domain's lists. */
export function analyticsFunctions(): readonly FunctionBody[] {
  return [
    {
      name: 'age_band',
      signature: 'age integer',
      returns: 'text',
      body: bodyOf(ageBandLabel('age')),
    },
    {
      name: 'age_band_order',
      signature: 'age integer',
      returns: 'integer',
      body: bodyOf(ageBandIndex('age')),
    },
    {
      name: 'heart_rate_zone_order',
      signature: 'bpm integer, max_bpm integer',
      returns: 'integer',
      body: bodyOf(zoneIndex('bpm', 'max_bpm')),
    },
  ];
}

/** Brings the analytics functions and label tables in line with the domain's lists. */
export async function syncAnalyticsDefinitions(tx: Queryable): Promise<void> {
  for (const f of analyticsFunctions()) {
    const [current] = await tx.query<{ src: string }>(
      `SELECT p.prosrc AS src FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
       WHERE n.nspname = 'analytics' AND p.proname = $1`,
      [f.name],
    );
    if (current?.src === f.body) continue;
    await tx.exec(`CREATE OR REPLACE FUNCTION analytics.${f.name}(${f.signature}) RETURNS ${f.returns}
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$${f.body}$fn$`);
  }
  await tx.query(
    `INSERT INTO analytics_age_bands (band_order, label, min_age, max_age)
     SELECT * FROM unnest($1::int[], $2::text[], $3::int[], $4::int[])
     ON CONFLICT (band_order) DO UPDATE SET label = excluded.label, min_age = excluded.min_age,
       max_age = excluded.max_age
     WHERE (analytics_age_bands.label, analytics_age_bands.min_age, analytics_age_bands.max_age)
       IS DISTINCT FROM (excluded.label, excluded.min_age, excluded.max_age)`,
    [
      AGE_BANDS.map((_, i) => i),
      AGE_BANDS.map((b) => b.label),
      AGE_BANDS.map((b) => b.min),
      AGE_BANDS.map((b) => b.max),
    ],
  );
  await tx.query('DELETE FROM analytics_age_bands WHERE band_order >= $1', [AGE_BANDS.length]);
  await tx.query(
    `INSERT INTO analytics_heart_rate_zones (zone_order, zone, label, from_share)
     SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::float8[])
     ON CONFLICT (zone_order) DO UPDATE SET zone = excluded.zone, label = excluded.label,
       from_share = excluded.from_share
     WHERE (analytics_heart_rate_zones.zone, analytics_heart_rate_zones.label,
       analytics_heart_rate_zones.from_share)
       IS DISTINCT FROM (excluded.zone, excluded.label, excluded.from_share)`,
    [
      HEART_RATE_ZONES.map((_, i) => i),
      HEART_RATE_ZONES.map((z) => z.id),
      HEART_RATE_ZONES.map((z) => z.label),
      HEART_RATE_ZONES.map((z) => z.fromShare),
    ],
  );
  await tx.query('DELETE FROM analytics_heart_rate_zones WHERE zone_order >= $1', [
    HEART_RATE_ZONES.length,
  ]);
}

/** How far a re-cut of the rides' days has gone. */
export interface DayCutProgress {
  readonly rides: number;
  readonly of: number;
}

// Rides per transaction of a re-cut: ingest goes on between them, and a big table shows progress.
const CUT_STEP = 50_000;

/**
 * Cuts the rides' days (rides.local_day) in `timeZone`, the display time zone. When it differs
 * from the zone they were cut in, or a re-cut was interrupted, every ride whose day moves is
 * updated, a step at a time (the update trigger marks the old and new days for the refresh);
 * returns whether that happened.
 */
export async function syncAnalyticsTimeZone(
  db: Db,
  timeZone: string,
  onProgress: (p: DayCutProgress) => void = () => undefined,
): Promise<boolean> {
  const [state] = await db.query<{ time_zone: string | null; days_cut: boolean }>(
    'SELECT time_zone, days_cut FROM analytics_state',
  );
  if (state?.time_zone === timeZone && state.days_cut) return false;
  // Rides inserted from now on take the new zone's day from the insert trigger.
  await db.query(
    `INSERT INTO analytics_state (time_zone, days_cut) VALUES ($1, false)
     ON CONFLICT (singleton) DO UPDATE SET time_zone = excluded.time_zone, days_cut = false`,
    [timeZone],
  );
  const [range] = await db.query<{ lo: number | null; hi: number | null }>(
    'SELECT min(ride_id) AS lo, max(ride_id) AS hi FROM rides',
  );
  const lo = range?.lo ?? 0;
  const hi = range?.hi ?? -1;
  for (let from = lo; from <= hi; from += CUT_STEP) {
    await db.query(
      `UPDATE rides SET local_day = (started_at AT TIME ZONE $1)::date
       WHERE ride_id >= $2 AND ride_id < $3
         AND local_day IS DISTINCT FROM (started_at AT TIME ZONE $1)::date`,
      [timeZone, from, from + CUT_STEP],
    );
    onProgress({ rides: Math.min(hi, from + CUT_STEP - 1) - lo + 1, of: hi - lo + 1 });
  }
  // Hours move with the zone even where days do not: every day's figures are recomputed.
  await db.query(
    `INSERT INTO analytics_changes (day)
     SELECT DISTINCT local_day FROM rides WHERE local_day IS NOT NULL`,
  );
  await db.query('UPDATE analytics_state SET days_cut = true WHERE time_zone = $1', [timeZone]);
  return true;
}
