// Sample report models for the PDF tests and scripts/render-report.ts: a busy ordinary day, the
// 25-hour day the clocks go back, a day with more alerts than the report lists, and a day with
// no rides. Deterministic (no Math.random, no clock), kept out of the build.
import { AGE_BANDS } from '../domain/age.js';
import { HEART_RATE_ZONES } from '../domain/heart-rate-zones.js';
import { GENDERS, type Gender } from '../domain/rider.js';
import type { PeriodTotals } from '../store/day-totals.repository.js';
import {
  MAX_ALERTS,
  type DailyReport,
  type ReportAlert,
  type ReportHour,
  type ReportRider,
} from './daily-report.js';
import { figureChanges, whatChanged } from './what-changed.js';

const HOUR_MS = 3_600_000;
const TIME_ZONE = 'Europe/London';

/** A small deterministic wobble in [-1, 1]. */
function wobble(i: number): number {
  return Math.sin(i * 1.7) * 0.6 + Math.sin(i * 0.31) * 0.4;
}

/** Splits `total` into whole parts in proportion to `weights` (largest remainder). */
function split(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (sum > 0 ? (w / sum) * total : 0));
  const parts = exact.map(Math.floor);
  let left = total - parts.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => ({ i, rest: e - parts[i]! })).sort((a, b) => b.rest - a.rest);
  for (const { i } of order) if (left-- > 0) parts[i]!++;
  return parts;
}

/** Hours of the day from `fromMs` to `untilMs`, busiest in the morning and the evening. */
function sampleHours(fromMs: number, untilMs: number, scale: number): ReportHour[] {
  const hours: ReportHour[] = [];
  for (let at = fromMs, i = 0; at < untilMs; at += HOUR_MS, i++) {
    const local = Number(
      new Intl.DateTimeFormat('en-GB', { hour: 'numeric', hourCycle: 'h23', timeZone: TIME_ZONE })
        .format(at)
        .slice(0, 2),
    );
    const morning = Math.exp(-(((local - 7.5) / 1.5) ** 2));
    const evening = Math.exp(-(((local - 18) / 2.2) ** 2));
    const base = local >= 6 && local <= 22 ? 7 : local >= 1 && local <= 4 ? 0 : 1;
    const rideCount = Math.max(
      0,
      Math.round(scale * (base + 24 * morning + 31 * evening + 2 * wobble(i))),
    );
    const avgPowerW = rideCount === 0 ? null : Math.round(158 + 30 * evening + 9 * wobble(i + 3));
    hours.push({
      atMs: at,
      rideCount,
      avgPowerW,
      energyKj: avgPowerW === null ? 0 : Math.round((rideCount * avgPowerW * 38 * 60) / 1000),
    });
  }
  return hours;
}

const NAMES = [
  'Ms Priya Raman',
  'Mr Tomasz Kowalczyk',
  'Dr Aoife O\u2019Sullivan',
  'Mrs Margaret Fairweather-Lynch',
  'Mr Kwame Mensah',
  'Miss Elena Petrova',
  'Mr Jonathan Whitlock',
  'Ms Chen Xiu Ying',
  'Mr Olumide Adeyemi',
  'Mrs Ingrid Halvorsen',
];
const GENDER_OF: readonly Gender[] = [
  'female',
  'male',
  'female',
  'female',
  'male',
  'female',
  'male',
  'female',
  'male',
  'unknown',
];

function sampleRiders(named: boolean): ReportRider[] {
  return NAMES.map((name, i) => {
    const rideCount = i < 2 ? 3 : i < 6 ? 2 : 1;
    const durationS = Math.round(rideCount * (46 - i * 1.5) * 60);
    const avgPowerW = Math.round(236 - i * 6.5 + 4 * wobble(i));
    return {
      riderId: 1041 + i * 377,
      name: named ? name : null,
      gender: GENDER_OF[i]!,
      age: i === 9 ? null : 24 + ((i * 7) % 41),
      rideCount,
      durationS,
      energyKj: Math.round((durationS * avgPowerW) / 1000),
      avgPowerW,
      avgHeartRate: i === 7 ? null : Math.round(148 - i * 2 + 3 * wobble(i + 1)),
    };
  }).sort((a, b) => b.energyKj - a.energyKj);
}

function sampleAlerts(fromMs: number, count: number, named: boolean): ReportAlert[] {
  const states = ['sent', 'sent', 'queued', 'sent', 'failed'] as const;
  return Array.from({ length: count }, (_, i) => {
    const high = i % 4 !== 2;
    const limitBpm = high ? 178 + ((i * 5) % 17) : 52;
    return {
      alertId: 9001 + i,
      detectedAtMs: fromMs + Math.round((6.2 + (i * 16.5) / Math.max(count, 1)) * HOUR_MS),
      kind: high ? 'high' : 'low',
      bikeSerial: `SN-${(41022 + i * 733).toString().padStart(6, '0')}`,
      riderId: 2200 + i * 41,
      riderName: named ? (NAMES[(i * 3) % NAMES.length] ?? null) : null,
      limitBpm,
      peakBpm: high ? limitBpm + 4 + (i % 9) : 41 + (i % 8),
      state: states[i % states.length]!,
    } satisfies ReportAlert;
  });
}

interface DayShape {
  readonly date: string;
  readonly fromMs: number;
  readonly untilMs: number;
  readonly scale: number;
  readonly alerts: number;
}

function dayReport(shape: DayShape): DailyReport {
  const hours = sampleHours(shape.fromMs, shape.untilMs, shape.scale);
  const rideCount = hours.reduce((a, h) => a + h.rideCount, 0);
  const energy = hours.reduce((a, h) => a + h.energyKj, 0);
  const durationS = rideCount * 38 * 60 + 1234;
  const byGenderRides = split(rideCount, [46, 44, 6, 4]);
  const byGenderTime = split(durationS, [48, 43, 5, 4]);
  const riders = Math.round(rideCount * 0.74);
  const byGenderRiders = split(riders, [46, 44, 6, 4]);
  const ageRides = split(rideCount, [4, 31, 64, 52, 37, 18, 6, 4]);
  const ageTime = split(durationS, [3, 30, 65, 53, 37, 18, 5, 4]);
  const zoneRides = split(rideCount, [3, 14, 58, 77, 39, 11, 3, 9]);
  const zoneTime = split(durationS, [2, 13, 58, 78, 39, 12, 4, 7]);
  const totals: PeriodTotals = {
    rideCount,
    riders,
    totalDurationS: durationS,
    totalEnergyKj: energy,
    avgHeartRate: 138.4,
    avgPowerW: 171.6,
    alerts: shape.alerts,
    secondsAboveMax: 1_890,
  };
  const dayBefore: PeriodTotals = {
    rideCount: Math.round(rideCount / 1.12),
    riders: Math.round(riders / 1.08),
    totalDurationS: Math.round(durationS / 1.1),
    totalEnergyKj: Math.round(energy / 1.16),
    avgHeartRate: 140.1,
    avgPowerW: 167.2,
    alerts: Math.max(0, shape.alerts - 3),
    secondsAboveMax: 2_400,
  };
  const weekAverage: PeriodTotals = {
    rideCount: Math.round(rideCount / 1.04),
    riders: Math.round(riders / 1.03),
    totalDurationS: Math.round(durationS / 1.05),
    totalEnergyKj: Math.round(energy / 1.07),
    avgHeartRate: 139.2,
    avgPowerW: 169.9,
    alerts: 5.6,
    secondsAboveMax: 2_050,
  };
  return {
    date: shape.date,
    timeZone: TIME_ZONE,
    fromMs: shape.fromMs,
    untilMs: shape.untilMs,
    generatedAtMs: shape.untilMs + 6 * HOUR_MS + 2 * 60_000,
    partial: false,
    audience: 'admin',
    totals,
    dayBefore,
    weekAverage,
    weekDays: 7,
    byGender: GENDERS.map((gender, i) => ({
      gender,
      rideCount: byGenderRides[i]!,
      riders: byGenderRiders[i]!,
      durationS: byGenderTime[i]!,
    })),
    byAgeBand: [...AGE_BANDS.map((b) => b.label), 'unknown'].map((band, i) => ({
      band,
      rideCount: ageRides[i]!,
      riders: Math.round(ageRides[i]! * 0.74),
      durationS: ageTime[i]!,
    })),
    hours,
    byZone: [...HEART_RATE_ZONES, null].map((zone, i) => ({
      zone,
      rideCount: zoneRides[i]!,
      durationS: zoneTime[i]!,
    })),
    topRiders: sampleRiders(true),
    alerts: sampleAlerts(shape.fromMs, Math.min(shape.alerts, MAX_ALERTS), true),
    changes: [],
    whatChanged: [],
  };
}

/** The report with its changes and "what changed" sentences worded as the builder words them. */
function worded(report: DailyReport): DailyReport {
  const weekAverage = report.weekDays === 0 ? null : report.weekAverage;
  const changes = figureChanges(report.totals, report.dayBefore, weekAverage);
  return { ...report, changes, whatChanged: whatChanged({ ...report, weekAverage, changes }) };
}

/** Thursday 3 December 2026 in London (GMT, 24 hours), `scale` times the usual rides. */
function december3(scale: number, alerts: number, overrides: Partial<DailyReport>): DailyReport {
  const fromMs = Date.UTC(2026, 11, 3);
  const day = dayReport({
    date: '2026-12-03',
    fromMs,
    untilMs: fromMs + 24 * HOUR_MS,
    scale,
    alerts,
  });
  return worded({ ...day, ...overrides });
}

/** An ordinary busy day: Thursday 3 December 2026 in London, about 300 rides, 7 alerts. */
export function sampleReport(overrides: Partial<DailyReport> = {}): DailyReport {
  return december3(1, 7, overrides);
}

/**
 * Sunday 25 October 2026, the clocks going back in London: 25 hours, from BST to GMT, the first
 * alert at 01:30 GMT (an hour after 01:30 BST).
 */
export function sampleDstReport(overrides: Partial<DailyReport> = {}): DailyReport {
  const fromMs = Date.UTC(2026, 9, 24, 23);
  const day = dayReport({
    date: '2026-10-25',
    fromMs,
    untilMs: fromMs + 25 * HOUR_MS,
    scale: 1.1,
    alerts: 5,
  });
  const alerts = day.alerts.map((a, i) =>
    i === 0 ? { ...a, detectedAtMs: fromMs + 2.5 * HOUR_MS } : a,
  );
  return worded({ ...day, alerts, ...overrides });
}

/** A very busy day with more alerts (52) than the report lists (MAX_ALERTS). */
export function sampleBusyReport(overrides: Partial<DailyReport> = {}): DailyReport {
  return december3(2.4, 52, overrides);
}

/** The same day as a viewer's report: no rider is named. */
export function sampleViewerReport(overrides: Partial<DailyReport> = {}): DailyReport {
  const admin = sampleReport();
  return {
    ...admin,
    audience: 'viewer',
    topRiders: admin.topRiders.map((r) => ({ ...r, name: null })),
    alerts: admin.alerts.map((a) => ({ ...a, riderName: null })),
    ...overrides,
  };
}

/** Friday 4 December 2026 with no rides at all (the fleet closed for maintenance). */
export function sampleEmptyReport(overrides: Partial<DailyReport> = {}): DailyReport {
  const fromMs = Date.UTC(2026, 11, 4);
  const before = sampleReport().totals;
  const zero: PeriodTotals = {
    rideCount: 0,
    riders: 0,
    totalDurationS: 0,
    totalEnergyKj: 0,
    avgHeartRate: null,
    avgPowerW: null,
    alerts: 0,
    secondsAboveMax: 0,
  };
  const full = dayReport({
    date: '2026-12-04',
    fromMs,
    untilMs: fromMs + 24 * HOUR_MS,
    scale: 0,
    alerts: 0,
  });
  return worded({
    ...full,
    totals: zero,
    dayBefore: before,
    weekAverage: sampleReport().weekAverage,
    topRiders: [],
    alerts: [],
    ...overrides,
  });
}
