// Placeholder until src/charts lands.
import type { EChartsCoreOption } from 'echarts/core';
import type { ThemeName } from './chart-panel.js';

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
  by_gender: { gender: string; ride_count: number; duration_s: number }[];
  by_age_band: { band: string; ride_count: number; duration_s: number }[];
  power_over_time: {
    bucket_s: number;
    points: { at: string; energy_kj: number; avg_power_w: number | null }[];
  };
  last_ride_at: string | null;
}

export function genderSplitOption(a: Activity, _t: ThemeName): EChartsCoreOption {
  return {
    xAxis: { type: 'category', data: a.by_gender.map((g) => g.gender) },
    yAxis: { type: 'value' },
    series: [{ type: 'bar', data: a.by_gender.map((g) => g.ride_count) }],
  };
}
export function ageBandsOption(a: Activity, _t: ThemeName): EChartsCoreOption {
  return {
    xAxis: { type: 'category', data: a.by_age_band.map((g) => g.band) },
    yAxis: { type: 'value' },
    series: [{ type: 'bar', data: a.by_age_band.map((g) => g.ride_count) }],
  };
}
export function powerOverTimeOption(a: Activity, _t: ThemeName): EChartsCoreOption {
  return {
    xAxis: { type: 'time' },
    yAxis: { type: 'value' },
    series: [{ type: 'bar', data: a.power_over_time.points.map((p) => [p.at, p.energy_kj]) }],
  };
}
