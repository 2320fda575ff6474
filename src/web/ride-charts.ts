// The ride's charts, from the definitions the PDF report shares (src/charts).

import { rideHeartRateChart, ridePowerChart, themeOf } from '../charts/index.js';
import type { Build } from './chart-panel.js';
import { TIME_ZONE } from './format.js';

/** A second of a ride, as the charts draw it. */
export interface RidePoint {
  readonly elapsedS: number;
  readonly heartRate: number | null;
  readonly powerW: number | null;
}

/** Heart rate over the ride, coloured by zone, with the personal maximum. */
export const rideHeartRateOption =
  (startedAtMs: number, points: readonly RidePoint[], maxBpm: number | null): Build =>
  (theme, widthPx) =>
    rideHeartRateChart(
      { startedAtMs, maxBpm, readings: points },
      { theme: themeOf(theme), timeZone: TIME_ZONE, widthPx },
    );

/** Power over the ride. */
export const ridePowerOption =
  (startedAtMs: number, points: readonly RidePoint[]): Build =>
  (theme, widthPx) =>
    ridePowerChart(
      { startedAtMs, readings: points },
      { theme: themeOf(theme), timeZone: TIME_ZONE, widthPx },
    );
