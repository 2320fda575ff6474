import type { Queryable } from './db.js';

// What a BI tool should know of the `analytics` views beyond what it reads from the catalog: which
// columns join which, and which numbers are keys rather than figures to add up.

/** A column as BI tools type it. */
export type BiColumnType = 'integer' | 'real' | 'string' | 'date' | 'datetime' | 'boolean';

/** One column of an analytics view. */
export interface BiColumn {
  readonly name: string;
  readonly type: BiColumnType;
  /** Keys, codes and calendar parts are dimensions; the rest of the numbers are measures. */
  readonly role: 'dimension' | 'measure';
  readonly description: string | null;
}

/** One analytics view and its columns, in their order. */
export interface BiView {
  readonly name: string;
  readonly description: string | null;
  readonly columns: readonly BiColumn[];
}

/** A many-to-one link: each row of `from` has at most one row of `to` with the same key. */
export interface BiKey {
  readonly from: { readonly view: string; readonly column: string };
  readonly to: { readonly view: string; readonly column: string };
}

const key = (from: string, to: string): BiKey => {
  const [fv = '', fc = ''] = from.split('.');
  const [tv = '', tc = ''] = to.split('.');
  return { from: { view: fv, column: fc }, to: { view: tv, column: tc } };
};

/**
 * How the views relate, as a tree (Tableau's relationships must not form a cycle): the facts join
 * the calendar by day, rides join riders, readings join rides, and the label views hang off the
 * fact that uses them. demographics.age_band_order also matches age_bands, but a second path
 * from demographics to age_bands would close a cycle through dates and rides.
 */
export const ANALYTICS_KEYS: readonly BiKey[] = [
  key('rides.rider_id', 'riders.rider_id'),
  key('rides.day', 'dates.day'),
  key('readings.ride_id', 'rides.ride_id'),
  key('daily_summary.day', 'dates.day'),
  key('hourly_activity.day', 'dates.day'),
  key('demographics.day', 'dates.day'),
  key('rides.age_band_order', 'age_bands.band_order'),
  key('readings.heart_rate_zone_order', 'heart_rate_zones.zone_order'),
];

/** The views in the order a tool should list them: facts first, then the calendar and the labels. */
const VIEW_ORDER = [
  'rides',
  'riders',
  'readings',
  'dates',
  'daily_summary',
  'hourly_activity',
  'demographics',
  'age_bands',
  'heart_rate_zones',
];

const DIMENSION_NUMBERS =
  /(_id|_order|^hour|^year|^quarter|^month|^iso_year|^iso_week|^weekday|^birth_year|_age)$/;

/** The analytics views with their columns, types and comments, read from the catalog. */
export async function analyticsViews(q: Queryable): Promise<BiView[]> {
  const rows = await q.query<{
    view: string;
    view_comment: string | null;
    name: string;
    type: BiColumnType;
    comment: string | null;
  }>(
    `SELECT c.relname AS view, obj_description(c.oid, 'pg_class') AS view_comment,
       a.attname AS name, col_description(c.oid, a.attnum) AS comment,
       CASE WHEN a.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype) THEN 'integer'
            WHEN a.atttypid IN ('float4'::regtype, 'float8'::regtype, 'numeric'::regtype) THEN 'real'
            WHEN a.atttypid = 'date'::regtype THEN 'date'
            WHEN a.atttypid IN ('timestamptz'::regtype, 'timestamp'::regtype) THEN 'datetime'
            WHEN a.atttypid = 'bool'::regtype THEN 'boolean'
            ELSE 'string' END AS type
     FROM pg_class c
     JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
     WHERE c.relnamespace = 'analytics'::regnamespace AND c.relkind IN ('v', 'm', 'r')
     ORDER BY c.relname, a.attnum`,
  );
  const views = new Map<string, BiView & { columns: BiColumn[] }>();
  for (const r of rows) {
    let v = views.get(r.view);
    if (!v) views.set(r.view, (v = { name: r.view, description: r.view_comment, columns: [] }));
    const numeric = r.type === 'integer' || r.type === 'real';
    v.columns.push({
      name: r.name,
      type: r.type,
      role: numeric && !DIMENSION_NUMBERS.test(r.name) ? 'measure' : 'dimension',
      description: r.comment,
    });
  }
  const rank = (name: string): number => {
    const i = VIEW_ORDER.indexOf(name);
    return i < 0 ? VIEW_ORDER.length : i;
  };
  return [...views.values()].sort((a, b) => rank(a.name) - rank(b.name));
}
