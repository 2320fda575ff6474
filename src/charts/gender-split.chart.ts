// "Who rode in the last 12 hours?": the split by gender, by number of rides and by ride time (and
// by riders, when the rows count them), as 100 % bars whose parts are labelled on the bar itself
// ("female 48 %"). A part too narrow for its words still has its colour, and its name joins a
// legend under the bars.
import type { Gender } from '../domain/rider.js';
import { DEFAULT_WIDTH_PX, emptyChart, frame, isNarrow, textWidthPx } from './frame.js';
import { formatCount, formatDuration, formatPercent } from './format.js';
import type { ChartOption, PeriodChartOptions } from './option.js';
import { colourIn, GENDER_COLOURS, GENDER_ORDER } from './palette.js';
import { wholePercents } from './numbers.js';

/** Rides of one gender in the period. */
export interface GenderRow {
  readonly gender: Gender;
  readonly rideCount: number;
  readonly durationS: number;
  /** Distinct riders: given for every row, the chart adds a bar of riders first. */
  readonly riders?: number;
}

type Row = 'Riders' | 'Rides' | 'Ride time';
const GRID_LEFT = 96;
const GRID_RIGHT = 24;
// A label needs this much room beside its text inside its part.
const LABEL_PAD_PX = 10;

/** The gender split of a period's rides, by count and by ride time (and by riders). */
export function genderSplitChart(
  rows: readonly GenderRow[],
  opts: PeriodChartOptions,
): ChartOption {
  const title = `Who rode ${opts.rangeWords}?`;
  const sum = (g: Gender, key: 'rideCount' | 'durationS' | 'riders') =>
    rows.filter((r) => r.gender === g).reduce((a, r) => a + (r[key] ?? 0), 0);
  const counts = GENDER_ORDER.map((g) => sum(g, 'rideCount'));
  const durations = GENDER_ORDER.map((g) => sum(g, 'durationS'));
  const totalRides = counts.reduce((a, b) => a + b, 0);
  if (totalRides === 0) return emptyChart(opts, title, `No rides ${opts.rangeWords}`);

  const { theme } = opts;
  const totalS = durations.reduce((a, b) => a + b, 0);
  const withRiders = rows.length > 0 && rows.every((r) => r.riders !== undefined);
  const riderCounts = GENDER_ORDER.map((g) => sum(g, 'riders'));
  // Each rider has one gender, so the groups' riders add up to the period's.
  const totalRiders = riderCounts.reduce((a, b) => a + b, 0);
  const ROWS: readonly Row[] = withRiders
    ? ['Riders', 'Rides', 'Ride time']
    : ['Rides', 'Ride time'];
  const shares = [
    ...(withRiders ? [wholePercents(riderCounts)] : []),
    wholePercents(counts),
    wholePercents(durations),
  ];
  // Indexes of the rides and the time rows in `shares`.
  const RIDES = withRiders ? 1 : 0;
  const plotPx = (opts.widthPx ?? DEFAULT_WIDTH_PX) - GRID_LEFT - GRID_RIGHT;
  const fits = (text: string, percent: number) =>
    textWidthPx(text, 12, true) + LABEL_PAD_PX <= (percent / 100) * plotPx;
  /** The words a part can hold: name and share, the share alone, or nothing. */
  const labelOf = (g: Gender, percent: number): string | null => {
    const long = `${g} ${formatPercent(percent)}`;
    if (percent > 0 && fits(long, percent)) return long;
    const short = formatPercent(percent);
    return percent > 0 && fits(short, percent) ? short : null;
  };
  const labels = GENDER_ORDER.map((g, gi) => shares.map((row) => labelOf(g, row[gi]!)));
  const unnamed = GENDER_ORDER.filter(
    (g, gi) =>
      shares.some((row) => row[gi]! > 0) && labels[gi]!.some((l) => l === null || !l.startsWith(g)),
  );
  const totals: Record<Row, string> = {
    Riders: formatCount(totalRiders, 'rider', 'riders'),
    Rides: formatCount(totalRides, 'ride', 'rides'),
    'Ride time': formatDuration(totalS),
  };
  const totalOf = new Map<string, string>(Object.entries(totals));
  const description = ROWS.map(
    (row, ri) =>
      `${row} (${totals[row]}): ` +
      GENDER_ORDER.map((g, gi) => `${g} ${formatPercent(shares[ri]![gi]!)}`).join(', '),
  ).join('. ');
  const { option: base, plotTop } = frame(
    opts,
    title,
    [
      withRiders
        ? 'Share of riders, of rides and of time ridden, by gender'
        : 'Share of rides and of time ridden, by gender',
    ],
    description,
    { axisNameAbove: false },
  );
  // A part too narrow to name on the bar is named, with its shares, in the legend.
  const legendText = (g: string) => {
    const gi = GENDER_ORDER.findIndex((x) => x === g);
    const rides = formatPercent(shares[RIDES]![gi] ?? 0);
    const time = formatPercent(shares[RIDES + 1]![gi] ?? 0);
    const riders = withRiders ? formatPercent(shares[0]![gi] ?? 0) : null;
    if (isNarrow(opts))
      return `${g}: ${riders ? `${riders} riders, ` : ''}${rides} rides, ${time} time`;
    return `${g}: ${riders ? `${riders} of riders, ` : ''}${rides} of rides, ${time} of time`;
  };

  return {
    ...base,
    grid: {
      left: GRID_LEFT,
      right: GRID_RIGHT,
      top: plotTop,
      bottom: unnamed.length > 0 ? 20 + 22 * unnamed.length : 16,
    },
    xAxis: { type: 'value', min: 0, max: 100, show: false },
    yAxis: {
      type: 'category',
      inverse: true,
      data: [...ROWS],
      axisLine: { show: false },
      axisTick: { show: false },
      axisLabel: {
        formatter: (row: string) => `{row|${row}}\n{total|${totalOf.get(row) ?? ''}}`,
        rich: {
          row: { color: theme.text, fontSize: 13, fontWeight: 600, lineHeight: 18 },
          total: { color: theme.mutedText, fontSize: 12, lineHeight: 16 },
        },
      },
    },
    legend: {
      show: unnamed.length > 0,
      data: unnamed,
      bottom: 8,
      // On a phone the legend starts at the edge: its lines are longer than the bars are wide.
      left: isNarrow(opts) ? 8 : GRID_LEFT,
      orient: 'vertical',
      itemGap: 8,
      icon: 'rect',
      itemWidth: 14,
      itemHeight: 14,
      textStyle: { color: theme.text, fontSize: 12 },
      formatter: legendText,
      selectedMode: false,
    },
    tooltip: { ...base.tooltip, trigger: 'item' },
    series: GENDER_ORDER.map((g, gi) => ({
      type: 'bar',
      name: g,
      stack: 'share',
      barWidth: '62%',
      color: colourIn(GENDER_COLOURS[g], theme),
      // A thin gap in the background colour keeps neighbouring parts apart in greyscale too.
      itemStyle: { borderColor: theme.background, borderWidth: 1 },
      tooltip: {
        valueFormatter: (v) => (typeof v === 'number' ? formatPercent(v) : ''),
      },
      data: shares.map((row, ri) => {
        const label = labels[gi]![ri];
        return {
          value: row[gi]!,
          label: {
            show: label !== null,
            position: 'inside',
            // The colours are text-safe on the background, so the background is text-safe on them.
            color: theme.background,
            fontSize: 12,
            fontWeight: 600,
            formatter: label ?? '',
          },
        };
      }),
    })),
  };
}
