// Recent rides' charts, from the definitions the PDF report shares (src/charts).

import { ageBandsChart, genderSplitChart, powerOverTimeChart, themeOf } from '../charts/index.js';
import type { Gender } from '../domain/rider.js';
import type { Build } from './chart-panel.js';
import { TIME_ZONE } from './format.js';

/** GET /api/activity. */
export interface Activity {
  range: string;
  from: string;
  until: string;
  time_zone: string;
  totals: {
    ride_count: number;
    riders: number;
    total_duration_s: number;
    total_energy_kj: number;
    avg_heart_rate: number | null;
    avg_power_w: number | null;
    alerts: number;
    seconds_above_max: number;
  };
  by_gender: { gender: Gender; ride_count: number; duration_s: number }[];
  by_age_band: { band: string; ride_count: number; duration_s: number }[];
  power_over_time: {
    bucket_s: number;
    points: { at: string; energy_kj: number; avg_power_w: number | null }[];
  };
  last_ride_at: string | null;
}

/** Who rode: rides and ride time by gender. */
export const genderSplitOption =
  (a: Activity, rangeWords: string): Build =>
  (theme, widthPx) =>
    genderSplitChart(
      a.by_gender.map((g) => ({
        gender: g.gender,
        rideCount: g.ride_count,
        durationS: g.duration_s,
      })),
      { theme: themeOf(theme), timeZone: TIME_ZONE, widthPx, rangeWords },
    );

/** Rides by age band. */
export const ageBandsOption =
  (a: Activity, rangeWords: string): Build =>
  (theme, widthPx) =>
    ageBandsChart(
      a.by_age_band.map((b) => ({
        band: b.band,
        rideCount: b.ride_count,
        durationS: b.duration_s,
      })),
      { theme: themeOf(theme), timeZone: TIME_ZONE, widthPx, rangeWords },
    );

/** Energy put out over the window. */
export const powerOverTimeOption =
  (a: Activity, rangeWords: string): Build =>
  (theme, widthPx) =>
    powerOverTimeChart(
      {
        bucketMs: a.power_over_time.bucket_s * 1000,
        buckets: a.power_over_time.points.map((p) => ({
          atMs: Date.parse(p.at),
          avgPowerW: p.avg_power_w,
          energyKj: p.energy_kj,
        })),
        fromMs: Date.parse(a.from),
        toMs: Date.parse(a.until),
      },
      { theme: themeOf(theme), timeZone: TIME_ZONE, widthPx, rangeWords },
    );
