// One ride: who rode, heart rate and power over the ride with the personal maximum, the summary.
// A live ride grows as its seconds arrive; a finished one opens the same view from the database.

import { api, ApiFailure } from '../api.js';
import { chartPanel, type ChartHandle } from '../chart-panel.js';
import { h, replaceChildren, setText } from '../dom.js';
import {
  bpm,
  capital,
  dayAndTime,
  duration,
  kj,
  n0,
  timeElement,
  TIME_ZONE,
  watts,
  yearsSince,
} from '../format.js';
import { rideHeartRateOption, ridePowerOption, type RidePoint } from '../ride-charts.js';
import { card } from './cards.js';
import type { View, ViewContext } from './view.js';

/** A reading as the API returns it. */
interface ReadingBody {
  elapsed_s: number;
  heart_rate: number | null;
  power_w: number | null;
}

/** A ride as GET /api/rides/:id?include=readings returns it. */
export interface RideBody {
  ride_id: number;
  rider_id: number;
  bike_serial: string;
  started_at: string;
  ended_at: string | null;
  duration_s: number;
  personal_max_bpm?: number | null;
  seconds_above_max?: number | null;
  alert_count?: number;
  summary: {
    avg_heart_rate: number | null;
    max_heart_rate: number | null;
    avg_power_w: number | null;
    energy_kj: number | null;
  };
  rider: {
    first_name?: string;
    last_name?: string;
    gender: string;
    age: number | null;
    height_cm: number | null;
    weight_kg: number | null;
    account_created: string | null;
  } | null;
  readings?: ReadingBody[];
}

// A live ride refetches its new seconds at most this often.
const LIVE_REFRESH_MS = 1000;

/** The ride page. */
export function rideView(ctx: ViewContext, rideId: number): View {
  const title = h('h1', { id: 'ride-title' }, `Ride ${rideId}`);
  const state = h('span', { class: 'pill' });
  const when = h('p', { class: 'lede' }, 'Loading the ride…');
  const facts = h('dl', { class: 'facts' });
  const cards = h('div', { class: 'cards' });
  const hr = chartPanel(
    'How hard did the heart work? Heart rate over the ride, with the personal maximum',
    true,
  );
  const power = chartPanel('How much power did the rider put out? Power over the ride', true);
  const charts: ChartHandle[] = [hr, power];
  const el = h(
    'section',
    { class: 'page ride', 'aria-labelledby': 'ride-title' },
    h(
      'p',
      null,
      h('a', { href: '/' }, '← Fleet now'),
      ' · ',
      h(
        'a',
        { href: `/api/export/readings.csv?ride_id=${rideId}`, download: '' },
        'Readings as CSV',
      ),
    ),
    h(
      'div',
      { class: 'page-head' },
      h('div', null, h('div', { class: 'controls' }, title, state), when, facts),
    ),
    cards,
    h(
      'div',
      { class: 'panels' },
      h('section', { class: 'panel' }, h('h2', { class: 'visually-hidden' }, 'Heart rate'), hr.el),
      h('section', { class: 'panel' }, h('h2', { class: 'visually-hidden' }, 'Power'), power.el),
    ),
  );

  const points: RidePoint[] = [];
  let ride: RideBody | null = null;
  let loading = false;
  let again = false;

  const show = (): void => {
    if (!ride) return;
    const r = ride;
    const live = r.ended_at === null && ctx.store.rides.has(r.ride_id);
    setText(title, `Ride ${r.ride_id} · bike ${r.bike_serial}`);
    setText(state, live ? '● Live' : r.ended_at ? 'Finished' : 'Not riding now');
    state.className = live ? 'pill pill-live' : 'pill';
    const started = Date.parse(r.started_at);
    replaceChildren(
      when,
      'Started ',
      timeElement(started, ctx.store.serverNow()),
      ` · ${dayAndTime(started)} (${TIME_ZONE})`,
    );
    const p = r.rider;
    const name = p?.first_name
      ? `${p.first_name} ${p.last_name ?? ''}`.trim()
      : `Rider ${r.rider_id}`;
    const fact = (k: string, v: string) => h('div', null, h('dt', null, k), h('dd', null, v));
    replaceChildren(
      facts,
      fact('Rider', name),
      fact('Gender', p ? capital(p.gender) : '–'),
      fact('Age', p?.age === null || p?.age === undefined ? '–' : `${p.age}`),
      fact('Height', p?.height_cm ? `${n0(p.height_cm)} cm` : '–'),
      fact('Weight', p?.weight_kg ? `${n0(p.weight_kg)} kg` : '–'),
      fact(
        'Member for',
        p?.account_created ? yearsSince(p.account_created, ctx.store.serverNow()) : '–',
      ),
    );
    const s = r.summary;
    replaceChildren(
      cards,
      card(duration(r.duration_s), '', live ? 'Ridden so far' : 'Ride time'),
      card(n0(s.avg_heart_rate), 'bpm', 'Average heart rate'),
      card(
        n0(s.max_heart_rate),
        'bpm',
        r.personal_max_bpm ? `Highest (max ${bpm(r.personal_max_bpm)})` : 'Highest heart rate',
      ),
      card(n0(s.avg_power_w), 'W', 'Average power'),
      card(n0(s.energy_kj), 'kJ', 'Energy'),
      card(
        duration(r.seconds_above_max ?? 0),
        '',
        'Above the maximum',
        (r.seconds_above_max ?? 0) > 0,
      ),
      card(n0(r.alert_count ?? 0), '', 'Heart-rate alerts', (r.alert_count ?? 0) > 0),
    );
    hr.draw(rideHeartRateOption(started, points, r.personal_max_bpm ?? null));
    power.draw(ridePowerOption(started, points));
    setText(hr.summary, `Average ${bpm(s.avg_heart_rate)}, highest ${bpm(s.max_heart_rate)}.`);
    setText(power.summary, `Average ${watts(s.avg_power_w)}, energy ${kj(s.energy_kj)}.`);
  };

  const load = async (): Promise<void> => {
    if (loading) {
      again = true;
      return;
    }
    loading = true;
    try {
      const after = points.length > 0 ? `&after_s=${points[points.length - 1]!.elapsedS}` : '';
      const body = await api<RideBody>(`/api/rides/${rideId}?include=readings${after}`);
      for (const x of body.readings ?? [])
        points.push({ elapsedS: x.elapsed_s, heartRate: x.heart_rate, powerW: x.power_w });
      ride = body;
      show();
    } catch (e) {
      setText(
        when,
        e instanceof ApiFailure && e.status === 404
          ? `There is no ride ${rideId}: it may have been deleted.`
          : `The ride could not be loaded: ${e instanceof Error ? e.message : 'unknown error'}`,
      );
    } finally {
      loading = false;
      if (again) {
        again = false;
        void load();
      }
    }
  };
  void load();

  let last = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const off = ctx.store.onChange((c) => {
    const mine = c.upserted.some((r) => r.rideId === rideId) || c.ended.includes(rideId);
    if (!mine || timer) return;
    const wait = Math.max(0, last + LIVE_REFRESH_MS - Date.now());
    timer = setTimeout(() => {
      timer = null;
      last = Date.now();
      void load();
    }, wait);
  });
  return {
    el,
    title: `Ride ${rideId}`,
    destroy: () => {
      off();
      if (timer) clearTimeout(timer);
      for (const c of charts) c.destroy();
    },
  };
}
