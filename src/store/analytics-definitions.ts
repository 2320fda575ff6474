import { AGE_BANDS } from '../domain/age.js';
import { HEART_RATE_ZONES } from '../domain/heart-rate-zones.js';
import { ageBandIndex } from './age-band-sql.js';
import type { Queryable } from './db.js';
import { compile } from './sql.js';
import { zoneIndex } from './zone-sql.js';

// The BI views group by age band and heart-rate zone through two SQL functions and two label
// tables. Their source is the lists in domain/: `migrate` writes them again whenever the lists
// differ from what the database holds, like a repeatable migration, so SQL never keeps a copy.

interface FunctionBody {
  readonly name: string;
  readonly signature: string;
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
      name: 'age_band_order',
      signature: 'age integer',
      body: bodyOf(ageBandIndex('age')),
    },
    {
      name: 'heart_rate_zone_order',
      signature: 'bpm integer, max_bpm integer',
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
    await tx.exec(`CREATE OR REPLACE FUNCTION analytics.${f.name}(${f.signature}) RETURNS integer
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

/**
 * Cuts the analytics days in `timeZone` (the display time zone). When it differs from the zone
 * they were cut in, every day and daily figure is redone; returns whether that happened.
 */
export async function syncAnalyticsTimeZone(tx: Queryable, timeZone: string): Promise<boolean> {
  const [state] = await tx.query<{ time_zone: string }>(
    'SELECT time_zone FROM analytics_state FOR UPDATE',
  );
  if (state?.time_zone === timeZone) return false;
  await tx.query(
    `INSERT INTO analytics_state (time_zone) VALUES ($1)
     ON CONFLICT (singleton) DO UPDATE SET time_zone = excluded.time_zone`,
    [timeZone],
  );
  await tx.exec(`DELETE FROM analytics_days; DELETE FROM analytics_daily;
    DELETE FROM analytics_hourly; DELETE FROM analytics_demographics;`);
  await tx.query(
    `INSERT INTO analytics_days (day, starts_at, ends_at, time_zone)
     SELECT x.day, x.day::timestamp AT TIME ZONE $1, (x.day + 1)::timestamp AT TIME ZONE $1, $1
     FROM (SELECT DISTINCT (started_at AT TIME ZONE $1)::date AS day FROM rides) x`,
    [timeZone],
  );
  await tx.query('INSERT INTO analytics_changes (day) SELECT day FROM analytics_days');
  return true;
}
