// "How old were the riders in the last 12 hours?": rides per age band, youngest first, every band
// shown even when nobody of that age rode, each bar labelled with its count.
import { AGE_BANDS } from '../domain/age.js';
import { axisStyle, emptyChart, frame, isNarrow, niceRange, textWidthPx } from './frame.js';
import { formatCount, formatDuration } from './format.js';
import type { ChartOption, PeriodChartOptions } from './option.js';
import { ageBandColour, colourIn, UNKNOWN_AGE_BAND } from './palette.js';
import { rideCountBars } from './ride-count-bars.js';

/** Rides in one age band (a label of `AGE_BANDS`, or `unknown`) in the period. */
export interface AgeBandRow {
  readonly band: string;
  readonly rideCount: number;
  readonly durationS: number;
}

/** A row names a band that is not in `AGE_BANDS`: the query and the domain disagree. */
export class UnknownAgeBandError extends Error {
  readonly code = 'unknown_age_band';
  constructor(readonly band: string) {
    super(`age band '${band}' is not one of AGE_BANDS`);
    this.name = 'UnknownAgeBandError';
  }
}

/** Rides per age band over a period. */
export function ageBandsChart(rows: readonly AgeBandRow[], opts: PeriodChartOptions): ChartOption {
  const title = `How old were the riders ${opts.rangeWords}?`;
  const known = new Set([...AGE_BANDS.map((b) => b.label), UNKNOWN_AGE_BAND]);
  for (const r of rows) if (!known.has(r.band)) throw new UnknownAgeBandError(r.band);
  const total = (band: string, key: 'rideCount' | 'durationS') =>
    rows.filter((r) => r.band === band).reduce((a, r) => a + r[key], 0);
  const bands = AGE_BANDS.map((b) => b.label);
  // Riders of unknown age get a bar only when there are some: it is not a band to aim for.
  if (total(UNKNOWN_AGE_BAND, 'rideCount') > 0) bands.push(UNKNOWN_AGE_BAND);
  const counts = bands.map((b) => total(b, 'rideCount'));
  const totalRides = counts.reduce((a, b) => a + b, 0);
  if (totalRides === 0) return emptyChart(opts, title, `No rides ${opts.rangeWords}`);

  const { theme } = opts;
  const style = axisStyle(theme);
  const duration = bands.reduce((a, b) => a + total(b, 'durationS'), 0);
  const description =
    `Rides per age band: ` +
    bands.map((b, i) => `${b} ${formatCount(counts[i]!, 'ride', 'rides')}`).join(', ') +
    '.';
  const { option: base, plotTop } = frame(
    opts,
    title,
    [formatCount(totalRides, 'ride', 'rides'), `${formatDuration(duration)} ridden`],
    description,
  );
  const yRange = niceRange(0, Math.max(...counts) * 1.1, 4);

  // On a phone the bars lie down: band names need more room than a column has.
  const narrow = isNarrow(opts);
  const bandAxis = {
    type: 'category',
    data: bands,
    name: narrow ? '' : 'age in years',
    nameLocation: 'middle',
    nameGap: 32,
    nameTextStyle: style.nameTextStyle,
    axisLine: style.axisLine,
    axisTick: { show: false },
    axisLabel: { ...style.axisLabel, color: theme.text, interval: 0 },
  } as const;
  const bandSpace = Math.ceil(Math.max(...bands.map((b) => textWidthPx(b)))) + 20;

  return {
    ...base,
    ...rideCountBars({
      theme,
      narrow,
      plotTop,
      yRange,
      categoryAxis: bandAxis,
      categorySpacePx: bandSpace,
      bottomPx: 52,
      bars: bands.map((band, i) => ({
        rides: counts[i]!,
        colour: colourIn(ageBandColour(band), theme),
      })),
      barCategoryGap: '30%',
    }),
    tooltip: { ...base.tooltip, trigger: 'axis', axisPointer: { type: 'shadow' } },
  };
}
