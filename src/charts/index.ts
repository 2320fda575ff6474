// Chart definitions shared by the live dashboard (canvas) and the daily PDF report (SVG): pure
// functions from data to an ECharts option, one palette, one set of formatters.
export { ageBandsChart, UnknownAgeBandError, type AgeBandRow } from './age-bands.chart.js';
export { contrastRatio, lightness, relativeLuminance } from './colour.js';
export * from './format.js';
export { genderSplitChart, type GenderRow } from './gender-split.chart.js';
export { heartRateZonesChart, type ZoneRow } from './heart-rate-zones.chart.js';
export { CHART_MODULES } from './modules.js';
export type { ChartOption, ChartOptions, PeriodChartOptions } from './option.js';
export * from './palette.js';
export {
  powerOverTimeChart,
  type PowerBucket,
  type PowerOverTimeData,
  type PowerOverTimeOptions,
} from './power-over-time.chart.js';
export {
  rideHeartRateChart,
  type HeartRateReading,
  type RideHeartRateData,
} from './ride-heart-rate.chart.js';
export { ridesPerHourChart, type HourRides } from './rides-per-hour.chart.js';
export { ridePowerChart, type PowerReading, type RidePowerData } from './ride-power.chart.js';
