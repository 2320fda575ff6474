// The daily executive report as data: everything the PDF, the mail and the API show of one
// calendar day, gathered once (report-builder.ts) and then only laid out.
import type { HeartRateZone } from '../domain/heart-rate-zones.js';
import type { Gender } from '../domain/rider.js';
import type { PeriodTotals } from '../store/day-totals.repository.js';

/** Who the report is for: an admin's report names riders, a viewer's never does. */
export type ReportAudience = 'admin' | 'viewer';

/** Rides, riders and ride time of one group of the day. */
export interface ReportGroup {
  readonly rideCount: number;
  /** Distinct riders of the group who rode that day. */
  readonly riders: number;
  readonly durationS: number;
}

/** One local hour of the day (a 23- or 25-hour day has 23 or 25). */
export interface ReportHour {
  /** Start of the hour, epoch ms. */
  readonly atMs: number;
  /** Rides that started in it. */
  readonly rideCount: number;
  /** Energy of the rides that started in it. */
  readonly energyKj: number;
  /** Weighted by readings, as the day's average; null when no ride started in it. */
  readonly avgPowerW: number | null;
}

/** Rides by the heart-rate zone their average heart rate reached (of the rider's maximum). */
export interface ReportZoneRow {
  /** null: rides whose zone is unknown (no age, or no heart-rate contact). */
  readonly zone: HeartRateZone | null;
  readonly rideCount: number;
  readonly durationS: number;
}

/** One of the day's most active riders, by energy. */
export interface ReportRider {
  readonly riderId: number;
  /** "Title First Last" for an admin's report; null for a viewer's (show the id). */
  readonly name: string | null;
  readonly gender: Gender | null;
  /** Age at the day's first ride; null when unknown. */
  readonly age: number | null;
  readonly rideCount: number;
  readonly durationS: number;
  readonly energyKj: number;
  readonly avgPowerW: number | null;
  readonly avgHeartRate: number | null;
}

/** One of the day's heart-rate alerts. */
export interface ReportAlert {
  readonly alertId: number;
  readonly detectedAtMs: number;
  readonly kind: 'high' | 'low';
  readonly bikeSerial: string;
  readonly riderId: number;
  /** As ReportRider.name. */
  readonly riderName: string | null;
  readonly limitBpm: number;
  /** The highest (high) or lowest (low) rate of the run that raised it. */
  readonly peakBpm: number;
  readonly state: 'queued' | 'sent' | 'failed';
}

/** One figure of the "what changed" paragraph, compared to the day before and the week. */
export interface FigureChange {
  readonly figure: keyof PeriodTotals;
  readonly today: number | null;
  readonly dayBefore: number | null;
  readonly weekAverage: number | null;
  /** Change against the day before in percent; null when the day before had none to compare. */
  readonly vsDayBeforePct: number | null;
  /** Change against the 7-day average in percent; null when there was none. */
  readonly vsWeekPct: number | null;
}

/** Everything one day's report shows. */
export interface DailyReport {
  /** `YYYY-MM-DD` in `timeZone`. */
  readonly date: string;
  readonly timeZone: string;
  /** The day's first instant and the next day's first (23 or 25 hours apart across a clock change). */
  readonly fromMs: number;
  readonly untilMs: number;
  readonly generatedAtMs: number;
  /** True while the day is not over: the figures are "so far". */
  readonly partial: boolean;
  readonly audience: ReportAudience;
  readonly totals: PeriodTotals;
  readonly dayBefore: PeriodTotals;
  /**
   * The average of each figure over those of the 7 days before the day that had rides (each
   * day's own totals; days before the fleet's first ride would only drag it down). All zeros and
   * nulls when `weekDays` is 0.
   */
  readonly weekAverage: PeriodTotals;
  /** How many of the 7 days before had rides, and so make up `weekAverage`. */
  readonly weekDays: number;
  /** Every gender of GENDERS, in that order, zeros included. */
  readonly byGender: readonly (ReportGroup & { readonly gender: Gender })[];
  /** Every band of AGE_BANDS in order, then 'unknown', zeros included (age at the ride). */
  readonly byAgeBand: readonly (ReportGroup & { readonly band: string })[];
  readonly hours: readonly ReportHour[];
  /** Every zone of HEART_RATE_ZONES in order, then unknown, zeros included. */
  readonly byZone: readonly ReportZoneRow[];
  /** At most TOP_RIDERS, most energy first. */
  readonly topRiders: readonly ReportRider[];
  /** At most MAX_ALERTS, in time order; `alertCount` in totals says how many there were. */
  readonly alerts: readonly ReportAlert[];
  /** The largest rises and falls, most notable first (what-changed.ts words them). */
  readonly changes: readonly FigureChange[];
  /** The "what changed" paragraph, in sentences. */
  readonly whatChanged: readonly string[];
}

/** How many riders the "most active" table lists. */
export const TOP_RIDERS = 10;
/** How many alerts the report lists; more are counted, not listed. */
export const MAX_ALERTS = 40;
