// Gathers one day's report from the database: every figure read through the store's shared
// definitions (periodTotals, the dashboard's splits), so the report never disagrees with the API.
import { calendarDay, dateIn, daysBefore, type CalendarDay } from '../domain/calendar-day.js';
import { DelotonError } from '../domain/errors.js';
import { HEART_RATE_ZONES } from '../domain/heart-rate-zones.js';
import { GENDERS, type Gender } from '../domain/rider.js';
import { powerOverTime, ridesByAgeBand, ridesByGender } from '../store/activity.repository.js';
import { periodTotals, type PeriodTotals } from '../store/day-totals.repository.js';
import type { Queryable } from '../store/db.js';
import {
  alertsOfSpan,
  mostActiveRiders,
  ridesByZone,
  type ZoneFigures,
} from '../store/report-figures.repository.js';
import {
  MAX_ALERTS,
  TOP_RIDERS,
  type DailyReport,
  type ReportAudience,
  type ReportZoneRow,
} from './daily-report.js';
import { figureChanges, whatChanged } from './what-changed.js';

const HOUR_MS = 3_600_000;

/** What a report is built from. */
export interface BuildReportOptions {
  readonly db: Queryable;
  /** `YYYY-MM-DD` in `timeZone`; today gives a partial report, a later day an error. */
  readonly date: string;
  readonly timeZone: string;
  readonly audience: ReportAudience;
  /** The clock (epoch ms). */
  readonly nowMs: number;
}

/** Reads one day's report; a day that has not begun is refused (`report_day_invalid`). */
export async function buildDailyReport(o: BuildReportOptions): Promise<DailyReport> {
  const today = dateIn(o.timeZone, o.nowMs);
  if (o.date > today)
    throw new DelotonError(
      'report_day_invalid',
      `${o.date} has not begun yet in ${o.timeZone} (today is ${today})`,
    );
  const day = calendarDay(o.date, o.timeZone);
  const earlier = Array.from({ length: 8 }, (_, i) =>
    calendarDay(daysBefore(o.date, i + 1), o.timeZone),
  );
  const hours = hourBuckets(day);
  const [totals, before, byGender, byAgeBand, power, zones, riders, alerts] = await Promise.all([
    periodTotals(o.db, day.fromMs, day.untilMs),
    Promise.all(earlier.map((d) => periodTotals(o.db, d.fromMs, d.untilMs))),
    ridesByGender(o.db, day),
    ridesByAgeBand(o.db, day),
    powerOverTime(o.db, hours),
    ridesByZone(o.db, day),
    mostActiveRiders(o.db, day, TOP_RIDERS),
    alertsOfSpan(o.db, day, MAX_ALERTS),
  ]);
  const dayBefore = before[0]!;
  const week = before.slice(0, 7).filter((t) => t.rideCount > 0);
  const weekAverage = averageOf(week);
  const partial = o.nowMs < day.untilMs;
  const changes = figureChanges(totals, dayBefore, week.length > 0 ? weekAverage : null);
  const names = o.audience === 'admin';
  return {
    date: day.date,
    timeZone: o.timeZone,
    fromMs: day.fromMs,
    untilMs: day.untilMs,
    generatedAtMs: o.nowMs,
    partial,
    audience: o.audience,
    totals,
    dayBefore,
    weekAverage,
    weekDays: week.length,
    byGender,
    byAgeBand,
    hours: power.map((b) => ({
      atMs: b.atMs,
      rideCount: b.rideCount,
      energyKj: b.energyKj,
      avgPowerW: b.avgPowerW,
    })),
    byZone: zoneRows(zones),
    topRiders: riders.map((r) => ({
      riderId: r.rider_id,
      name: names ? fullName(r) : null,
      gender: isGender(r.gender) ? r.gender : null,
      age: r.age,
      rideCount: r.ride_count,
      durationS: r.duration_s,
      energyKj: r.energy_kj,
      avgPowerW: r.avg_power_w,
      avgHeartRate: r.avg_heart_rate,
    })),
    alerts: alerts.map((a) => ({
      alertId: a.alert_id,
      detectedAtMs: a.detected_at.getTime(),
      kind: a.kind,
      bikeSerial: a.bike_serial,
      riderId: a.rider_id,
      riderName: names ? fullName(a) : null,
      limitBpm: a.limit_bpm,
      peakBpm: a.peak_bpm,
      state: a.state,
    })),
    changes,
    whatChanged: whatChanged({
      date: day.date,
      timeZone: o.timeZone,
      partial,
      generatedAtMs: o.nowMs,
      totals,
      dayBefore,
      weekAverage: week.length > 0 ? weekAverage : null,
      weekDays: week.length,
      changes,
    }),
  };
}

/** The day's local hours: the first starts at its first instant, the last ends at the next day's. */
function hourBuckets(day: CalendarDay) {
  return {
    fromMs: day.fromMs,
    untilMs: day.untilMs,
    originMs: day.fromMs,
    bucketMs: HOUR_MS,
    count: Math.ceil((day.untilMs - day.fromMs) / HOUR_MS),
  };
}

/** Each figure's average over the days; averages over the days that have one. */
function averageOf(days: readonly PeriodTotals[]): PeriodTotals {
  const mean = (pick: (t: PeriodTotals) => number | null): number | null => {
    const values = days.map(pick).filter((v): v is number => v !== null);
    return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
  };
  const count = (pick: (t: PeriodTotals) => number) => mean(pick) ?? 0;
  return {
    rideCount: count((t) => t.rideCount),
    riders: count((t) => t.riders),
    totalDurationS: count((t) => t.totalDurationS),
    totalEnergyKj: count((t) => t.totalEnergyKj),
    avgHeartRate: mean((t) => t.avgHeartRate),
    avgPowerW: mean((t) => t.avgPowerW),
    alerts: count((t) => t.alerts),
    secondsAboveMax: count((t) => t.secondsAboveMax),
  };
}

/** Every zone in order, then unknown, zeros included. */
function zoneRows(zones: readonly ZoneFigures[]): ReportZoneRow[] {
  const of = (index: number | null) => zones.find((z) => z.zoneIndex === index);
  return [
    ...HEART_RATE_ZONES.map((zone, i) => ({
      zone,
      rideCount: of(i)?.rideCount ?? 0,
      durationS: of(i)?.durationS ?? 0,
    })),
    { zone: null, rideCount: of(null)?.rideCount ?? 0, durationS: of(null)?.durationS ?? 0 },
  ];
}

/** "Title First Last" as stored; null when the rider is gone (erased). */
function fullName(p: {
  title: string | null;
  first_name: string | null;
  last_name: string | null;
}): string | null {
  const name = [p.title, p.first_name, p.last_name].filter((s) => s && s.trim() !== '').join(' ');
  return name === '' ? null : name;
}

const isGender = (g: string | null): g is Gender => GENDERS.some((x) => x === g);
