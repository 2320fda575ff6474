// One bike's tile: the heart rate first, coloured by zone and named in words, then the rest.

import { LIVE_IDLE_AFTER_S, type LiveRide } from '../../domain/live-ride.js';
import { zoneOf } from '../../domain/heart-rate-zones.js';
import { h, setAttr, setText } from '../dom.js';
import { n0, stopwatch } from '../format.js';

/** Who rides: a name for admins, else the rider's number. */
export const riderLabel = (r: Pick<LiveRide, 'name' | 'riderId'>): string =>
  r.name ?? `Rider ${r.riderId}`;

/** Gender and age in words: "female, 34". */
export const riderFacts = (r: Pick<LiveRide, 'gender' | 'age'>): string =>
  [
    r.gender === 'unknown' ? 'gender unknown' : r.gender,
    r.age === null ? 'age unknown' : `${r.age}`,
  ].join(', ');

/** What the heart-rate figure says now. */
type Pulse =
  | { kind: 'zone'; bpm: number; zoneId: string; words: string }
  | { kind: 'no-contact' }
  | { kind: 'none' };

function pulseOf(r: LiveRide): Pulse {
  const hr = r.latest?.heartRate ?? null;
  if (hr === null) return { kind: 'none' };
  if (hr <= 0) return { kind: 'no-contact' };
  const z = zoneOf(hr, r.personalMaxBpm);
  if (!z) return { kind: 'zone', bpm: hr, zoneId: 'unknown', words: 'no maximum known' };
  const words =
    z.id === 'above'
      ? 'above max'
      : z.id === 'rest'
        ? 'resting'
        : `zone ${z.id.slice(1)} · ${z.label}`;
  return { kind: 'zone', bpm: hr, zoneId: z.id, words };
}

/** A tile and the parts that change, so updates touch only text. */
export class RideTile {
  readonly el: HTMLAnchorElement;
  private readonly who = h('span', { class: 'tile-who' });
  private readonly facts = h('span', { class: 'tile-facts' });
  private readonly bike = h('span', { class: 'tile-bike' });
  private readonly badge = h('span', { class: 'badge badge-alert', hidden: true });
  private readonly state = h('span', { class: 'badge badge-state', hidden: true });
  private readonly hr = h('span', { class: 'tile-hr-value' });
  private readonly hrUnit = h('span', { class: 'tile-hr-unit' }, 'bpm');
  private readonly zone = h('span', { class: 'tile-zone' });
  private readonly rpm = h('strong');
  private readonly res = h('strong');
  private readonly power = h('strong');
  private readonly elapsed = h('span', { class: 'tile-elapsed' });
  ride: LiveRide;

  constructor(ride: LiveRide) {
    this.ride = ride;
    this.el = h(
      'a',
      { class: 'tile', href: `/rides/${ride.rideId}` },
      h('div', { class: 'tile-head' }, this.bike, this.state, this.badge),
      h('div', { class: 'tile-rider' }, this.who, this.facts),
      h('div', { class: 'tile-hr' }, this.hr, this.hrUnit),
      this.zone,
      h(
        'dl',
        { class: 'tile-figures' },
        h('div', null, h('dt', null, 'Cadence'), h('dd', null, this.rpm, ' rpm')),
        h('div', null, h('dt', null, 'Resistance'), h('dd', null, this.res)),
        h('div', null, h('dt', null, 'Power'), h('dd', null, this.power, ' W')),
      ),
      h('div', { class: 'tile-foot' }, this.elapsed),
    );
    this.update(ride, Date.now());
  }

  /** Shows the ride as it is at `nowMs` (the server's clock). */
  update(r: LiveRide, nowMs: number): void {
    this.ride = r;
    setText(this.bike, `Bike ${r.bikeSerial}`);
    setText(this.who, riderLabel(r));
    setText(this.facts, riderFacts(r));
    const p = pulseOf(r);
    const idleS = Math.floor((nowMs - r.heardAtMs) / 1000);
    const idle = idleS >= LIVE_IDLE_AFTER_S;
    switch (p.kind) {
      case 'zone':
        setText(this.hr, n0(p.bpm));
        setText(this.zone, p.words);
        setAttr(this.el, 'data-zone', p.zoneId);
        break;
      case 'no-contact':
        setText(this.hr, '–');
        setText(this.zone, 'No contact: hands off the sensors');
        setAttr(this.el, 'data-zone', 'none');
        break;
      case 'none':
        setText(this.hr, '–');
        setText(this.zone, 'No heart rate yet');
        setAttr(this.el, 'data-zone', 'none');
        break;
    }
    // The reading's time, for the latency benchmark (bench/live.ts) and tests.
    setAttr(this.el, 'data-at', r.latest ? String(r.latest.atMs) : null);
    setText(this.rpm, n0(r.latest?.rpm));
    setText(this.res, n0(r.latest?.resistance));
    setText(this.power, n0(r.latest?.powerW));
    setText(this.elapsed, `${stopwatch((nowMs - r.startedAtMs) / 1000)} ridden`);
    setAttr(this.el, 'data-idle', idle ? '' : null);
    this.state.hidden = !idle;
    if (idle)
      setText(this.state, `Idle ${idleS < 120 ? `${idleS} s` : `${Math.floor(idleS / 60)} min`}`);
    this.badge.hidden = r.alerts === 0;
    if (r.alerts > 0)
      setText(
        this.badge,
        `⚠ ${r.lastAlertKind === 'low' ? 'Low' : 'High'} heart rate${r.alerts > 1 ? ` ×${r.alerts}` : ''}`,
      );
    setAttr(this.el, 'data-alert', r.alerts > 0 ? '' : null);
    setAttr(
      this.el,
      'aria-label',
      `Bike ${r.bikeSerial}, ${riderLabel(r)}, ${riderFacts(r)}: ` +
        (p.kind === 'zone'
          ? `${p.bpm} bpm, ${p.words}`
          : p.kind === 'no-contact'
            ? 'no contact'
            : 'no heart rate yet') +
        `, ${n0(r.latest?.rpm)} rpm, resistance ${n0(r.latest?.resistance)}, ${n0(r.latest?.powerW)} W` +
        (idle ? ', idle' : '') +
        (r.alerts > 0 ? ', heart-rate alert' : ''),
    );
  }
}
