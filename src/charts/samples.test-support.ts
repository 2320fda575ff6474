// Sample data for the chart tests and scripts/render-charts.ts: shaped like a real ride and a
// real day, deterministic (no Math.random), kept out of the build.
import { HEART_RATE_ZONES } from '../domain/heart-rate-zones.js';
import type { AgeBandRow } from './age-bands.chart.js';
import type { GenderRow } from './gender-split.chart.js';
import type { ZoneRow } from './heart-rate-zones.chart.js';
import type { PowerBucket, PowerOverTimeData } from './power-over-time.chart.js';
import type { RideHeartRateData } from './ride-heart-rate.chart.js';
import type { RidePowerData } from './ride-power.chart.js';
import type { HourRides } from './rides-per-hour.chart.js';

/** Tue 4 Jun 2024 14:05 in London (13:05 UTC). */
export const SAMPLE_START_MS = Date.UTC(2024, 5, 4, 13, 5);
const HOUR_MS = 3_600_000;

/** A small deterministic wobble in [-1, 1]. */
function wobble(i: number): number {
  return Math.sin(i * 0.21) * 0.3 + Math.sin(i * 0.037) * 0.7;
}

/** A 40-minute ride: warm-up, a hard middle that goes above the maximum, a cool-down, and
 * 80 seconds without contact at minute 20. */
export function sampleHeartRateRide(maxBpm: number | null = 182): RideHeartRateData {
  const readings = [];
  for (let s = 0; s <= 40 * 60; s++) {
    const warm = Math.min(1, s / 600);
    const effort = s > 1500 && s < 1900 ? 32 * Math.sin(((s - 1500) / 400) * Math.PI) : 0;
    const cool = s > 2100 ? -(s - 2100) / 12 : 0;
    const bpm = Math.round(92 + 60 * warm + effort + cool + 4 * wobble(s));
    readings.push({ elapsedS: s, heartRate: s >= 1200 && s < 1280 ? 0 : bpm });
  }
  return { startedAtMs: SAMPLE_START_MS, maxBpm, readings };
}

/** The same ride's power, with a few seconds of freewheeling and a few unreported. */
export function samplePowerRide(): RidePowerData {
  const readings = [];
  for (let s = 0; s <= 40 * 60; s++) {
    const base = 120 + 80 * Math.min(1, s / 600) + (s > 1500 && s < 1900 ? 110 : 0);
    const coasting = s >= 900 && s < 930;
    const unreported = s >= 1205 && s < 1215;
    readings.push({
      elapsedS: s,
      powerW: unreported ? null : coasting ? 0 : Math.round(base + 18 * wobble(s)),
    });
  }
  return { startedAtMs: SAMPLE_START_MS, readings };
}

/** Rides by gender in a busy 12 hours. */
export const SAMPLE_GENDER_ROWS: readonly GenderRow[] = [
  { gender: 'female', rideCount: 102, durationS: 52 * 3600 + 300 },
  { gender: 'male', rideCount: 96, durationS: 44 * 3600 },
  { gender: 'other', rideCount: 9, durationS: 3 * 3600 },
  { gender: 'unknown', rideCount: 5, durationS: 2 * 3600 },
];

/** Rides by age band: nobody under 18, a few of unknown age. */
export const SAMPLE_AGE_ROWS: readonly AgeBandRow[] = [
  { band: '18-24', rideCount: 31, durationS: 18 * 3600 },
  { band: '25-34', rideCount: 64, durationS: 33 * 3600 },
  { band: '35-44', rideCount: 52, durationS: 27 * 3600 },
  { band: '45-54', rideCount: 37, durationS: 19 * 3600 },
  { band: '55-64', rideCount: 18, durationS: 9 * 3600 },
  { band: '65+', rideCount: 6, durationS: 3 * 3600 },
  { band: 'unknown', rideCount: 4, durationS: 2 * 3600 },
];

/** Hourly fleet buckets over `hours` hours ending at the sample start, quiet at night. */
export function samplePowerBuckets(hours = 12): PowerOverTimeData {
  const toMs = SAMPLE_START_MS - (SAMPLE_START_MS % HOUR_MS) + HOUR_MS;
  const fromMs = toMs - hours * HOUR_MS;
  const buckets: PowerBucket[] = [];
  for (let at = fromMs; at < toMs; at += HOUR_MS) {
    const hour = new Date(at).getUTCHours();
    const busy = Math.max(0, Math.sin(((hour - 5) / 17) * Math.PI));
    // Night hours with nobody riding are left out, as a query would: the chart fills them.
    if (busy < 0.05) continue;
    const riders = Math.round(3 + 40 * busy + 5 * wobble(at / HOUR_MS));
    const avgPowerW = Math.round(150 + 40 * busy + 10 * wobble(at / HOUR_MS + 7));
    buckets.push({
      atMs: at,
      avgPowerW,
      energyKj: Math.round((riders * avgPowerW * 3600) / 1000) / 4,
    });
  }
  return { bucketMs: HOUR_MS, buckets, fromMs, toMs };
}

/** Rides by the zone of their average heart rate: most in Z2-Z3, a few above the maximum. */
export const SAMPLE_ZONE_ROWS: readonly ZoneRow[] = [
  [0, 0],
  [14, 6],
  [58, 31],
  [77, 42],
  [39, 21],
  [11, 6],
  [3, 1],
].map(([rideCount, hours], i) => ({
  zone: HEART_RATE_ZONES[i]!,
  rideCount: rideCount!,
  durationS: hours! * 3600,
}));

/** The rides of unknown zone (no age, or no contact) of the same day. */
export const SAMPLE_UNKNOWN_ZONE_ROW: ZoneRow = { zone: null, rideCount: 9, durationS: 4 * 3600 };

/** Rides started per hour over the 24 hours of Tue 4 Jun 2024 in London: a morning and an evening peak. */
export function sampleHourRides(): HourRides[] {
  const fromMs = Date.UTC(2024, 5, 3, 23);
  return Array.from({ length: 24 }, (_, hour) => {
    const morning = Math.exp(-(((hour - 7.5) / 1.6) ** 2));
    const evening = Math.exp(-(((hour - 18) / 2.2) ** 2));
    const day = hour >= 6 && hour <= 22 ? 4 : 0;
    return {
      atMs: fromMs + hour * HOUR_MS,
      rideCount: Math.round(day + 26 * morning + 34 * evening + 2 * wobble(hour)),
    };
  });
}
