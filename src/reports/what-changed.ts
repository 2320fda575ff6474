// The "what changed" paragraph: the day's figures against the day before and the 7-day average,
// worded from the numbers alone so that the PDF and the mail say the same thing.
import {
  formatBpm,
  formatCalendarDate,
  formatClock,
  formatCount,
  formatDuration,
  formatInteger,
  formatKj,
  formatPercent,
  formatWatts,
} from '../charts/format.js';
import type { PeriodTotals } from '../store/day-totals.repository.js';
import type { FigureChange } from './daily-report.js';

/** The figures compared, in the order the report shows them. */
export const COMPARED_FIGURES = [
  'rideCount',
  'riders',
  'totalDurationS',
  'totalEnergyKj',
  'avgPowerW',
  'avgHeartRate',
  'alerts',
  'secondsAboveMax',
] as const satisfies readonly (keyof PeriodTotals)[];

export type ComparedFigure = (typeof COMPARED_FIGURES)[number];

/** A figure's name in a sentence, and how its values read. */
export const FIGURE_WORDS: Readonly<
  Record<ComparedFigure, { readonly name: string; readonly format: (v: number) => string }>
> = {
  rideCount: { name: 'rides', format: formatInteger },
  riders: { name: 'riders', format: formatInteger },
  totalDurationS: { name: 'ride time', format: formatDuration },
  totalEnergyKj: { name: 'energy', format: formatKj },
  avgPowerW: { name: 'average power', format: formatWatts },
  avgHeartRate: { name: 'average heart rate', format: formatBpm },
  alerts: { name: 'alerts', format: formatInteger },
  secondsAboveMax: { name: 'time above maximum heart rate', format: formatDuration },
};

/** A change smaller than this (in percent) is not worth a sentence. */
const NOTABLE_PCT = 5;

/** The change from `base` to `value` in percent; null when there is nothing to compare. */
export function percentChange(value: number | null, base: number | null): number | null {
  if (value === null || base === null || base === 0) return null;
  return ((value - base) / base) * 100;
}

/** Every compared figure with its changes, the largest change against the day before first. */
export function figureChanges(
  today: PeriodTotals,
  dayBefore: PeriodTotals,
  weekAverage: PeriodTotals | null,
): FigureChange[] {
  const changes = COMPARED_FIGURES.map((figure) => {
    const week = weekAverage?.[figure] ?? null;
    return {
      figure,
      today: today[figure],
      dayBefore: dayBefore[figure],
      weekAverage: week,
      vsDayBeforePct: percentChange(today[figure], dayBefore[figure]),
      vsWeekPct: percentChange(today[figure], week),
    };
  });
  const size = (c: FigureChange) => Math.abs(c.vsDayBeforePct ?? 0);
  return changes.sort((a, b) => size(b) - size(a));
}

/** What the paragraph is written from. */
export interface WhatChangedInput {
  readonly date: string;
  readonly timeZone: string;
  /** The day is not over: its figures are so far, at `generatedAtMs`. */
  readonly partial: boolean;
  readonly generatedAtMs: number;
  readonly totals: PeriodTotals;
  readonly dayBefore: PeriodTotals;
  /** null when none of the 7 days before had a ride. */
  readonly weekAverage: PeriodTotals | null;
  /** How many of the 7 days before had rides. */
  readonly weekDays: number;
  readonly changes: readonly FigureChange[];
}

// The dashboard's and the PDF's percent style (`18 %`), in sentences too.
const pct = (p: number): string => formatPercent(Math.abs(p));

/** The sentences of the "what changed" paragraph. */
export function whatChanged(i: WhatChangedInput): string[] {
  const day = formatCalendarDate(i.date);
  const t = i.totals;
  const when = i.partial
    ? `so far on ${day} (at ${formatClock(i.generatedAtMs, i.timeZone)})`
    : `on ${day}`;
  if (t.rideCount === 0) {
    const before =
      i.dayBefore.rideCount > 0
        ? ` The day before had ${formatCount(i.dayBefore.rideCount, 'ride', 'rides')}.`
        : '';
    return [`No rides were recorded ${when}.${before}`.trim()];
  }
  const sentences = [
    `${capital(formatCount(t.riders, 'rider', 'riders'))} took ${formatCount(t.rideCount, 'ride', 'rides')} ${when}: ` +
      `${formatDuration(t.totalDurationS)} of riding and ${formatKj(t.totalEnergyKj)} of energy.`,
  ];
  if (i.partial) {
    sentences.push('The day is not over, so it is not compared with whole days yet.');
    return sentences;
  }
  sentences.push(
    i.dayBefore.rideCount === 0
      ? 'The day before had no rides to compare with.'
      : comparison('Against the day before', i.changes, 'vsDayBeforePct', 'dayBefore'),
  );
  // A week of one day with rides is the day before again: nothing more to say.
  if (i.weekAverage === null)
    sentences.push(
      'None of the 7 days before had a ride, so there is no weekly average to compare with.',
    );
  else if (i.weekDays > 1 || i.dayBefore.rideCount === 0)
    sentences.push(comparison('Against the 7-day average', i.changes, 'vsWeekPct', 'weekAverage'));
  if (t.alerts > 0 && i.dayBefore.alerts === 0 && i.dayBefore.rideCount > 0)
    sentences.push(
      `${capital(formatCount(t.alerts, 'heart-rate alert was', 'heart-rate alerts were'))} raised, against none the day before.`,
    );
  return sentences;
}

/**
 * "Against X, alerts rose most, by 75 % (7 against 4), then energy, by 16 % (...); ride time
 * fell most, by 8 % (...)": the two largest rises and falls of 5 % or more against the day
 * before, the largest of each against the 7-day average.
 */
function comparison(
  lead: string,
  changes: readonly FigureChange[],
  by: 'vsDayBeforePct' | 'vsWeekPct',
  base: 'dayBefore' | 'weekAverage',
): string {
  const notable = [...changes]
    .filter((c) => Math.abs(c[by] ?? 0) >= NOTABLE_PCT)
    .sort((a, b) => Math.abs(b[by] ?? 0) - Math.abs(a[by] ?? 0));
  // Against the day before, two each; against the week, the largest alone keeps it short.
  const take = by === 'vsDayBeforePct' ? 2 : 1;
  const rises = notable.filter((c) => (c[by] ?? 0) > 0).slice(0, take);
  const falls = notable.filter((c) => (c[by] ?? 0) < 0).slice(0, take);
  const threshold = formatPercent(NOTABLE_PCT);
  if (rises.length === 0 && falls.length === 0)
    return `${lead}, every figure was within ${threshold}.`;
  const one = (c: FigureChange): string => {
    const w = FIGURE_WORDS[c.figure];
    const of = (v: number | null) => (v === null ? 'none' : w.format(v));
    return `by ${pct(c[by] ?? 0)} (${of(c.today)} against ${of(c[base])})`;
  };
  const name = (c: FigureChange) => FIGURE_WORDS[c.figure].name;
  const moves = (list: readonly FigureChange[], verb: string, none: string): string => {
    const [first, second] = list;
    if (!first) return none;
    const then = second ? `, then ${name(second)}, ${one(second)}` : '';
    return `${name(first)} ${verb} most, ${one(first)}${then}`;
  };
  return `${lead}, ${moves(rises, 'rose', `nothing rose by ${threshold} or more`)}; ${moves(
    falls,
    'fell',
    `nothing fell by ${threshold} or more`,
  )}.`;
}

const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
