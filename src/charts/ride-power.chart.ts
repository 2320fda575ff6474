// "How much power did the rider put out?": power over minutes into the ride, an area under the
// line, with the ride's average as a labelled line. Unknown power is a gap; 0 W is real
// (freewheeling) and drawn as 0.
import { withAlpha } from './colour.js';
import { emptyChart, frame, labelSpacePx, niceRange } from './frame.js';
import { formatDayTime, formatInteger, formatWatts } from './format.js';
import type { ChartOption, ChartOptions } from './option.js';
import { extent, mean } from './numbers.js';
import { colourIn, MEASURE_COLOURS } from './palette.js';
import { elapsedAxis, elapsedTooltip, figureAxis, inElapsedOrder } from './ride-axes.js';

/** One reading's power; null when the bike did not report it. */
export interface PowerReading {
  readonly elapsedS: number;
  readonly powerW: number | null;
}

/** A ride's power readings. */
export interface RidePowerData {
  readonly startedAtMs: number;
  readonly readings: readonly PowerReading[];
}

const TITLE = 'How much power did the rider put out?';

/** The power chart of one ride. */
export function ridePowerChart(data: RidePowerData, opts: ChartOptions): ChartOption {
  const readings = inElapsedOrder(data.readings);
  const watts = readings.flatMap((r) => (r.powerW === null ? [] : [r.powerW]));
  if (readings.length === 0) return emptyChart(opts, TITLE, 'No readings from this ride yet');
  if (watts.length === 0) return emptyChart(opts, TITLE, 'No power recorded on this ride');

  const { theme } = opts;
  const colour = colourIn(MEASURE_COLOURS.power, theme);
  const highest = extent(watts).max;
  const average = mean(watts);
  const lastS = readings[readings.length - 1]!.elapsedS;
  const subtitle = [
    `Started ${formatDayTime(data.startedAtMs, opts.timeZone)}`,
    `average ${formatWatts(average)}`,
    `highest ${formatWatts(highest)}`,
  ];
  const description =
    `Power over ${Math.ceil(lastS / 60)} minutes: average ${formatWatts(average)}, ` +
    `highest ${formatWatts(highest)}.`;
  const { option: base, plotTop } = frame(opts, TITLE, subtitle, description);
  const yRange = niceRange(0, Math.max(highest * 1.05, 10));

  return {
    ...base,
    grid: { left: labelSpacePx(yRange, formatInteger), right: 44, top: plotTop, bottom: 36 },
    xAxis: elapsedAxis(theme, lastS),
    yAxis: figureAxis(theme, 'W', yRange),
    tooltip: {
      ...base.tooltip,
      trigger: 'axis',
      formatter: elapsedTooltip((w) => (w === null ? 'no power reported' : formatWatts(w))),
    },
    series: [
      {
        type: 'line',
        name: 'power',
        showSymbol: false,
        connectNulls: false,
        color: colour,
        lineStyle: { width: 1.5, color: colour },
        areaStyle: { color: withAlpha(colour, 0.18) },
        data: readings.map((r) => [r.elapsedS / 60, r.powerW]),
        markLine: {
          silent: true,
          symbol: 'none',
          lineStyle: { color: theme.text, type: 'dashed', width: 1 },
          label: {
            formatter: `average ${formatWatts(average)}`,
            position: 'insideEndTop',
            color: theme.text,
            fontSize: 12,
            fontWeight: 600,
            backgroundColor: withAlpha(theme.background, 0.8),
            padding: [1, 4],
          },
          data: [{ yAxis: Math.round(average) }],
        },
      },
    ],
  };
}
