import { ageOn } from '../domain/age.js';
import type { AlertRow } from '../store/alerts-read.repository.js';
import type { ActivityWindow } from '../domain/activity-window.js';
import type { Gender } from '../domain/rider.js';
import type { GroupFigures, PowerBucket } from '../store/activity.repository.js';
import type { PeriodTotals } from '../store/day-totals.repository.js';
import type { RiderStatsRow } from '../store/riders.repository.js';
import type { ReadingRow, RideRow, RiderRow } from '../store/rides.repository.js';
import type { ApiRole } from '../store/api-keys.repository.js';
import { riderPart, type ViewerRiderField } from './rider-fields.js';

// Rounding for display: summaries are floats computed over thousands of readings.
const r1 = (v: number | null): number | null => (v === null ? null : Math.round(v * 10) / 10);
const r2 = (v: number | null): number | null => (v === null ? null : Math.round(v * 100) / 100);
const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

/** A ride and its summary, without readings. */
export function presentRide(r: RideRow) {
  return {
    ride_id: r.ride_id,
    rider_id: r.rider_id,
    bike_serial: r.bike_serial,
    started_at: r.started_at.toISOString(),
    ended_at: iso(r.ended_at),
    duration_s: r.duration_s,
    rider_age: r.rider_age,
    personal_max_bpm: r.personal_max_bpm,
    // Without a maximum there is nothing to be above: the stored 0 would be a guess.
    seconds_above_max: r.personal_max_bpm === null ? null : r.seconds_above_max,
    alert_count: r.alert_count,
    summary: {
      reading_count: r.reading_count,
      avg_heart_rate: r1(r.avg_heart_rate),
      min_heart_rate: r.min_heart_rate,
      max_heart_rate: r.max_heart_rate,
      avg_rpm: r1(r.avg_rpm),
      avg_resistance: r1(r.avg_resistance),
      avg_power_w: r1(r.avg_power_w),
      max_power_w: r1(r.max_power_w),
      energy_kj: r2(r.energy_kj),
    },
  };
}

/** Every field of a rider, as an admin key sees them. */
function fullRider(p: RiderRow, today: string) {
  return {
    rider_id: p.rider_id,
    gender: p.gender,
    // Birthdays turn over on the local date, not the UTC one.
    age: p.birth_date === null ? null : ageOn(p.birth_date, Date.parse(`${today}T12:00:00Z`)),
    height_cm: p.height_cm,
    weight_kg: p.weight_kg,
    account_created: p.account_created,
    original_source: p.original_source,
    title: p.title,
    first_name: p.first_name,
    last_name: p.last_name,
    email: p.email,
    birth_date: p.birth_date,
    address: {
      line_1: p.address_line_1,
      line_2: p.address_line_2,
      city: p.city,
      postcode: p.postcode,
    },
  };
}

/** A rider with every field, as presented to an admin key. */
export type FullRider = ReturnType<typeof fullRider>;

/**
 * A rider as a role may see them, aged as of `today` (`YYYY-MM-DD` in the display zone). Viewers
 * get the pseudonymous fields only (src/domain/personal-data.ts): no name, email, address or
 * birth date, while the age stays, which is what analysis needs.
 */
export function presentRider(
  p: RiderRow,
  role: ApiRole,
  today: string,
): Pick<FullRider, ViewerRiderField> & Partial<FullRider> {
  return riderPart(fullRider(p, today), role);
}

/** A period's totals, as the daily view shows them. */
export function presentTotals(t: PeriodTotals) {
  return {
    ride_count: t.rideCount,
    riders: t.riders,
    total_duration_s: t.totalDurationS,
    total_energy_kj: r2(t.totalEnergyKj),
    avg_heart_rate: r1(t.avgHeartRate),
    avg_power_w: r1(t.avgPowerW),
    alerts: t.alerts,
    seconds_above_max: t.secondsAboveMax,
  };
}

/** What the dashboard's recent-activity view shows of a window. */
export interface ActivityFigures {
  readonly window: ActivityWindow;
  readonly timeZone: string;
  readonly totals: PeriodTotals;
  readonly byGender: readonly (GroupFigures & { readonly gender: Gender })[];
  readonly byAgeBand: readonly (GroupFigures & { readonly band: string })[];
  readonly power: readonly PowerBucket[];
  readonly lastRideAt: Date | null;
}

/** A window's activity: totals as the daily view shows them, splits, and power over time. */
export function presentActivity(a: ActivityFigures) {
  const group = (g: GroupFigures) => ({ ride_count: g.rideCount, duration_s: g.durationS });
  return {
    range: a.window.range,
    from: new Date(a.window.fromMs).toISOString(),
    until: new Date(a.window.untilMs).toISOString(),
    time_zone: a.timeZone,
    totals: presentTotals(a.totals),
    by_gender: a.byGender.map((g) => ({ gender: g.gender, ...group(g) })),
    by_age_band: a.byAgeBand.map((b) => ({ band: b.band, ...group(b) })),
    power_over_time: {
      bucket_s: a.window.bucketMs / 1000,
      points: a.power.map((p) => ({
        at: new Date(p.atMs).toISOString(),
        energy_kj: Math.round(p.energyKj * 100) / 100,
        avg_power_w: r1(p.avgPowerW),
      })),
    },
    last_ride_at: iso(a.lastRideAt),
  };
}

/** A rider's totals. */
export function presentRiderStats(s: RiderStatsRow) {
  return {
    ride_count: s.ride_count,
    total_duration_s: s.total_duration_s,
    total_energy_kj: r2(s.total_energy_kj),
    avg_duration_s: r1(s.avg_duration_s),
    avg_heart_rate: r1(s.avg_heart_rate),
    max_heart_rate: s.max_heart_rate,
    avg_power_w: r1(s.avg_power_w),
    avg_rpm: r1(s.avg_rpm),
    first_ride_at: iso(s.first_ride_at),
    last_ride_at: iso(s.last_ride_at),
  };
}

/** One second of a ride. */
export function presentReading(x: ReadingRow) {
  return {
    elapsed_s: x.elapsed_s,
    recorded_at: x.recorded_at.toISOString(),
    heart_rate: x.heart_rate,
    rpm: x.rpm,
    resistance: x.resistance,
    power_w: r1(x.power_w),
  };
}

// An SMTP refusal may quote the recipient in any form (address, quoted local part, display
// name), so a viewer gets only its status codes, which say what kind of failure it was.
/** A mail delivery error as anyone but an admin may see it: its SMTP status codes. */
export function codesOnly(error: string): string {
  // Written by the worker itself, about timing; it names nobody.
  if (error.startsWith('not mailed:')) return error;
  const codes = /^\s*(\d{3})(?:[ -](\d\.\d{1,3}\.\d{1,3}))?/.exec(error);
  return codes
    ? `${codes[1]}${codes[2] ? ` ${codes[2]}` : ''} (details for admin keys only)`
    : 'delivery failed (details for admin keys only)';
}

/** An alert with its delivery state; a viewer sees only the status codes of a delivery error. */
export function presentAlert(a: AlertRow, role: ApiRole) {
  return {
    alert_id: a.alert_id,
    ride_id: a.ride_id,
    rider_id: a.rider_id,
    kind: a.kind,
    limit_bpm: a.limit_bpm,
    detected_at: a.detected_at.toISOString(),
    elapsed_s: a.elapsed_s,
    readings: a.readings,
    delivery: {
      state: a.state,
      attempts: a.attempts,
      last_error:
        role === 'admin' || a.last_error === null ? a.last_error : codesOnly(a.last_error),
      next_attempt_at: a.state === 'queued' ? a.next_attempt_at.toISOString() : null,
      sent_at: iso(a.sent_at),
    },
  };
}
