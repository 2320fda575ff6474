// Recent rides: who rode in the chosen window, for how long, how hard; updated as rides end.

import { api, ApiFailure } from '../api.js';
import { chartPanel } from '../chart-panel.js';
import { h, replaceChildren, setText } from '../dom.js';
import {
  bpm,
  capital,
  dayAndTime,
  duration,
  fullTime,
  kj,
  localDay,
  n0,
  shortTime,
  timeElement,
  watts,
} from '../format.js';
import {
  ageBandsOption,
  genderSplitOption,
  powerOverTimeOption,
  type Activity,
} from '../recent-charts.js';
import { hrefOf, RANGES, type Range } from '../router.js';
import { card } from './cards.js';
import type { RideBody } from './ride-view.js';
import type { View, ViewContext } from './view.js';

const RANGE_WORDS: Record<Range, string> = {
  '1h': 'last hour',
  '6h': 'last 6 hours',
  '12h': 'last 12 hours',
  '24h': 'last 24 hours',
  '7d': 'last 7 days',
};

/** When a ride started: the clock time today, with the day before. */
function startLabel(ms: number, nowMs: number): string {
  return localDay(ms) === localDay(nowMs) ? shortTime(ms) : dayAndTime(ms);
}

/** The recent-rides page for a range. */
export function recentView(ctx: ViewContext, range: Range): View {
  const words = RANGE_WORDS[range];
  const lede = h('p', { class: 'lede', 'aria-live': 'polite' }, 'Loading…');
  const segments = h(
    'nav',
    { class: 'segments', 'aria-label': 'Time range' },
    ...RANGES.map((r) =>
      h(
        'a',
        {
          href: hrefOf({ kind: 'recent', range: r }),
          'aria-current': r === range ? 'true' : false,
          title: RANGE_WORDS[r],
        },
        r,
      ),
    ),
  );
  const cards = h('div', { class: 'cards' });
  const gender = chartPanel(`Who rode in the ${words}? Rides and ride time by gender`);
  const ages = chartPanel(`How old were the riders? Rides by age band, ${words}`);
  const power = chartPanel(`How much energy did riders put out? Energy by ride start, ${words}`);
  const rows = h('tbody');
  const tableNote = h('p', { class: 'lede' });
  const el = h(
    'section',
    { class: 'page recent', 'aria-labelledby': 'recent-title' },
    h(
      'div',
      { class: 'page-head' },
      h('div', null, h('h1', { id: 'recent-title' }, 'Recent rides'), lede),
      ctx.kiosk ? null : segments,
    ),
    cards,
    h(
      'div',
      { class: 'panels' },
      h(
        'section',
        { class: 'panel' },
        h('h2', { class: 'visually-hidden' }, 'By gender'),
        gender.el,
      ),
      h(
        'section',
        { class: 'panel' },
        h('h2', { class: 'visually-hidden' }, 'By age band'),
        ages.el,
      ),
      h(
        'section',
        { class: 'panel' },
        h('h2', { class: 'visually-hidden' }, 'Energy over time'),
        power.el,
      ),
    ),
    h(
      'section',
      { class: 'panel' },
      h('h2', null, `Rides started in the ${words}`),
      tableNote,
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          null,
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              h('th', null, 'Started'),
              h('th', { class: 'hide-phone' }, 'Bike'),
              h('th', { class: 'hide-phone' }, 'Rider'),
              h('th', { class: 'num' }, 'Time'),
              h('th', { class: 'num' }, 'Avg heart rate'),
              h('th', { class: 'num hide-phone' }, 'Avg power'),
              h('th', { class: 'num' }, 'Energy'),
            ),
          ),
          rows,
        ),
      ),
    ),
  );

  const load = async (): Promise<void> => {
    try {
      const a = await api<Activity>(`/api/activity?range=${range}`);
      const t = a.totals;
      const now = ctx.store.serverNow();
      if (t.ride_count === 0)
        replaceChildren(
          lede,
          `No rides started in the ${words}.`,
          a.last_ride_at
            ? h(
                'span',
                null,
                ' The last one started ',
                timeElement(Date.parse(a.last_ride_at), now),
                '.',
              )
            : null,
        );
      else
        setText(
          lede,
          `${capital(words)}: ${dayAndTime(Date.parse(a.from))} to ${shortTime(Date.parse(a.until))}`,
        );
      replaceChildren(
        cards,
        card(n0(t.ride_count), '', 'Rides'),
        card(n0(t.riders), '', 'Riders'),
        card(duration(t.total_duration_s), '', 'Ride time'),
        card(n0(t.total_energy_kj), 'kJ', 'Energy, all rides'),
        card(n0(t.avg_power_w), 'W', 'Average power'),
        card(n0(t.avg_heart_rate), 'bpm', 'Average heart rate'),
        card(n0(t.alerts), '', 'Heart-rate alerts', t.alerts > 0),
      );
      const inWords = `in the ${words}`;
      gender.draw(genderSplitOption(a, inWords));
      ages.draw(ageBandsOption(a, inWords));
      power.draw(powerOverTimeOption(a, inWords));
      setText(
        gender.summary,
        a.by_gender
          .map((g) => `${g.gender}: ${g.ride_count} rides, ${duration(g.duration_s)}`)
          .join('; '),
      );
      setText(
        ages.summary,
        a.by_age_band.map((b) => `${b.band}: ${b.ride_count} rides`).join('; '),
      );
      setText(
        power.summary,
        `Energy ${kj(t.total_energy_kj)} in total, average ${watts(t.avg_power_w)}.`,
      );
      const list = await api<{ data: RideBody[] }>(
        `/api/rides?since=${encodeURIComponent(a.from)}&limit=100`,
      );
      // Every ride of the range, not just the rows shown, for a spreadsheet (RFC 4180 CSV).
      const csv = `/api/export/rides.csv?from=${encodeURIComponent(a.from)}&to=${encodeURIComponent(a.until)}`;
      replaceChildren(
        tableNote,
        list.data.length === 100 ? 'The latest 100 rides. ' : '',
        t.ride_count > 0
          ? h('a', { href: csv, download: '' }, `Download all ${n0(t.ride_count)} as CSV`)
          : null,
      );
      replaceChildren(
        rows,
        ...list.data.map((r) =>
          h(
            'tr',
            { 'data-ride': r.ride_id },
            h(
              'td',
              null,
              h(
                'a',
                { href: `/rides/${r.ride_id}`, title: fullTime(Date.parse(r.started_at)) },
                startLabel(Date.parse(r.started_at), now),
              ),
            ),
            h('td', { class: 'hide-phone' }, r.bike_serial),
            h('td', { class: 'hide-phone' }, `Rider ${r.rider_id}`),
            h(
              'td',
              { class: 'num' },
              duration(r.duration_s),
              r.ended_at ? null : h('span', { class: 'so-far' }, ' so far'),
            ),
            h('td', { class: 'num' }, bpm(r.summary.avg_heart_rate)),
            h('td', { class: 'num hide-phone' }, watts(r.summary.avg_power_w)),
            h('td', { class: 'num' }, kj(r.summary.energy_kj)),
          ),
        ),
      );
    } catch (e) {
      setText(
        lede,
        e instanceof ApiFailure
          ? `Recent rides could not be loaded: ${e.message}`
          : 'Recent rides could not be loaded.',
      );
    }
  };
  void load();

  // Rides that end change the figures: reload, at most every few seconds.
  let timer: ReturnType<typeof setTimeout> | null = null;
  const off = ctx.store.onChange((c) => {
    if ((c.ended.length === 0 && !c.snapshot) || timer) return;
    timer = setTimeout(() => {
      timer = null;
      void load();
    }, 2000);
  });
  const poll = setInterval(() => void load(), 60_000);
  return {
    el,
    title: 'Recent rides',
    destroy: () => {
      off();
      clearInterval(poll);
      if (timer) clearTimeout(timer);
      for (const c of [gender, ages, power]) c.destroy();
    },
  };
}
