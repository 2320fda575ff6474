// Writes the report benchmark's data set straight into a migrated PostgreSQL database with COPY:
// riders, the report day's rides and the days before it, and their alerts. The report reads only
// these three tables (ride summaries, never readings), so readings stay empty.
import { calendarDay, daysBefore } from '../../src/domain/calendar-day.js';
import type { Db } from '../../src/store/db.js';
import { log } from './log.js';
import {
  makeDay,
  makeRiders,
  seeded,
  type AlertRow,
  type RideRow,
  type RiderRow,
} from './report-rows.js';

/** What to generate. */
export interface ReportDataSpec {
  /** `YYYY-MM-DD` in `timeZone`: the day the report is about. */
  readonly date: string;
  readonly timeZone: string;
  /** Rides on the report day; the days before get about as many (weekends fewer). */
  readonly rides: number;
  readonly daysBefore: number;
  readonly riders: number;
  readonly bikes: number;
  readonly alertShare: number;
}

/** What was generated, to check the report against. */
export interface ReportDataSet {
  readonly rides: number;
  readonly dayRides: number;
  readonly dayRiders: number;
  readonly dayAlerts: number;
  readonly alerts: number;
  readonly riders: number;
}

// The days before, as a share of the report day's rides: a week with a quieter weekend.
const DAY_FACTORS = [1.03, 1.06, 0.98, 0.86, 0.9, 1.05, 1.02];

/** COPY text format: tabs, newlines and backslashes escaped, null as \N. */
function field(v: string | number | null): string {
  if (v === null) return '\\N';
  return typeof v === 'number'
    ? String(v)
    : v.replace(
        /[\\\t\n\r]/g,
        (c) => `\\${c === '\t' ? 't' : c === '\n' ? 'n' : c === '\r' ? 'r' : '\\'}`,
      );
}
const line = (vs: (string | number | null)[]): string => `${vs.map(field).join('\t')}\n`;
const iso = (ms: number): string => new Date(ms).toISOString();

function riderLine(r: RiderRow, i: number): string {
  const handle = `${r.firstName}.${r.lastName}`.toLowerCase().replace(/[^a-z.]/g, '');
  return line([
    r.riderId,
    r.title,
    r.firstName,
    r.lastName,
    r.gender,
    r.birthDate,
    r.heightCm,
    r.weightKg,
    `${handle}${r.riderId}@example.com`,
    `${1 + (i % 200)} High Street`,
    'London',
    `E${1 + (i % 20)} ${1 + (i % 9)}AB`,
    '2024-03-01',
    'bench',
  ]);
}

function rideLine(r: RideRow): string {
  const endMs = r.startedAtMs + r.durationS * 1000;
  return line([
    r.rideId,
    r.rider.riderId,
    r.bikeSerial,
    r.bikeSerial,
    iso(r.startedAtMs),
    iso(endMs),
    r.durationS,
    r.readingCount,
    r.avgHeartRate,
    r.minHeartRate,
    r.maxHeartRate,
    r.avgRpm,
    r.avgResistance,
    r.avgPowerW,
    r.maxPowerW,
    r.energyKj,
    r.riderAge,
    r.personalMaxBpm,
    r.secondsAboveMax,
    iso(endMs + 2_000),
  ]);
}

function alertLine(a: AlertRow): string {
  const sent = a.state === 'sent' ? iso(a.detectedAtMs + 1_500) : null;
  return line([
    a.ride.rideId,
    a.ride.rider.riderId,
    a.kind,
    JSON.stringify(a.readings),
    a.limitBpm,
    iso(a.detectedAtMs),
    a.elapsedS,
    a.state,
    a.state === 'queued' ? 0 : a.state === 'sent' ? 1 : 8,
    a.state === 'failed' ? '550 mailbox unavailable' : null,
    iso(a.detectedAtMs + 60_000),
    sent,
  ]);
}

/** Generates the data set into `db` (migrated, empty) and analyzes the tables. */
export async function seedReportData(db: Db, spec: ReportDataSpec): Promise<ReportDataSet> {
  const rnd = seeded(10);
  const dayFromMs = calendarDay(spec.date, spec.timeZone).fromMs;
  const riders = makeRiders(rnd, spec.riders, dayFromMs);
  const rides: RideRow[] = [];
  const alerts: AlertRow[] = [];
  let day: { rides: RideRow[]; alerts: AlertRow[] } = { rides: [], alerts: [] };
  for (let back = spec.daysBefore; back >= 0; back--) {
    const date = back === 0 ? spec.date : daysBefore(spec.date, back);
    const count =
      back === 0
        ? spec.rides
        : Math.round(spec.rides * DAY_FACTORS[(back - 1) % DAY_FACTORS.length]!);
    const made = makeDay(rnd, {
      fromMs: calendarDay(date, spec.timeZone).fromMs,
      count,
      riders,
      bikes: spec.bikes,
      firstId: rides.length + 1,
      alertShare: spec.alertShare,
    });
    rides.push(...made.rides);
    alerts.push(...made.alerts);
    if (back === 0) day = made;
  }
  log(`writing ${riders.length} riders, ${rides.length} rides, ${alerts.length} alerts (COPY)`);
  await db.transaction(async (tx) => {
    await tx.copyText(
      'riders',
      [
        'rider_id',
        'title',
        'first_name',
        'last_name',
        'gender',
        'birth_date',
        'height_cm',
        'weight_kg',
        'email',
        'address_line_1',
        'city',
        'postcode',
        'account_created',
        'original_source',
      ],
      riders.map(riderLine).join(''),
    );
    await tx.copyText(
      'rides',
      [
        'ride_id',
        'rider_id',
        'bike_serial',
        'bike_key',
        'started_at',
        'ended_at',
        'duration_s',
        'reading_count',
        'avg_heart_rate',
        'min_heart_rate',
        'max_heart_rate',
        'avg_rpm',
        'avg_resistance',
        'avg_power_w',
        'max_power_w',
        'energy_kj',
        'rider_age',
        'personal_max_bpm',
        'seconds_above_max',
        'heard_at',
      ],
      rides.map(rideLine).join(''),
    );
    await tx.copyText(
      'alerts',
      [
        'ride_id',
        'rider_id',
        'kind',
        'readings',
        'limit_bpm',
        'detected_at',
        'elapsed_s',
        'state',
        'attempts',
        'last_error',
        'next_attempt_at',
        'sent_at',
      ],
      alerts.map(alertLine).join(''),
    );
    // Ids were given explicitly: later inserts (none here, but keep the table sane) follow them.
    await tx.exec(
      `SELECT setval(pg_get_serial_sequence('rides', 'ride_id'), (SELECT max(ride_id) FROM rides));`,
    );
  });
  await db.exec('VACUUM ANALYZE riders, rides, alerts');
  return {
    rides: rides.length,
    dayRides: day.rides.length,
    dayRiders: new Set(day.rides.map((r) => r.rider.riderId)).size,
    dayAlerts: day.alerts.length,
    alerts: alerts.length,
    riders: riders.length,
  };
}
