// Placeholder until src/charts lands: the ride's charts as ECharts options.
import type { EChartsCoreOption } from 'echarts/core';
import type { ThemeName } from './chart-panel.js';

/** A second of a ride, as the charts draw it. */
export interface RidePoint {
  readonly elapsedS: number;
  readonly heartRate: number | null;
  readonly powerW: number | null;
}

export function rideHeartRateOption(
  p: readonly RidePoint[],
  _max: number | null,
  _t: ThemeName,
): EChartsCoreOption {
  return {
    xAxis: { type: 'value' },
    yAxis: { type: 'value' },
    series: [
      {
        type: 'line',
        showSymbol: false,
        data: p.map((x) => [x.elapsedS / 60, x.heartRate || null]),
      },
    ],
  };
}
export function ridePowerOption(p: readonly RidePoint[], _t: ThemeName): EChartsCoreOption {
  return {
    xAxis: { type: 'value' },
    yAxis: { type: 'value' },
    series: [{ type: 'line', showSymbol: false, data: p.map((x) => [x.elapsedS / 60, x.powerW]) }],
  };
}
