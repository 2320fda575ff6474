import { describe, expect, it } from 'vitest';
import { formatPower } from './feed-format.js';
import { simulateFleet, type FleetOptions, type RideTruth, type SimMessage } from './fleet.js';
import { powerFor } from './power.js';

const START = Date.UTC(2022, 6, 6, 23, 29, 35);
const BASE: FleetOptions = {
  bikes: 6,
  ridesPerBike: 4,
  seed: 42,
  startMs: START,
  abnormalShare: 0.3,
};

interface Reading {
  d: number;
  resistance: number;
  hrt: number;
  rpm: number;
  power: string;
  rideAt: number;
  telAt: number;
}
interface ParsedRide {
  bike: string;
  lookupAt: number;
  systemAt: number;
  userId: number;
  dobMs: number;
  readings: Reading[];
}

const LINE = /^(\S+ \S+) [a-z]+ v9: (.*)$/;

/** Splits a run into rides per bike, checking the order of line kinds on the way. */
function parse(messages: readonly SimMessage[]): { rides: ParsedRide[]; mains: string[] } {
  const rides: ParsedRide[] = [];
  const current = new Map<string, ParsedRide>();
  const mains: string[] = [];
  for (const m of messages) {
    const log = (JSON.parse(m.value) as { log: string }).log.slice(0, -1);
    if (log === '--------- beginning of main') {
      expect(current.has(m.key)).toBe(false);
      mains.push(m.key);
      continue;
    }
    if (log === '--------- beginning of a new ride') continue;
    const [, ts = '', body = ''] = LINE.exec(log) ?? [];
    // The printed clock is the message time (plus sub-millisecond digits).
    if (`${ts.replace(' ', 'T').slice(0, 23)}Z` !== new Date(m.atMs).toISOString())
      throw new Error(`timestamp ${ts} is not at ${m.atMs}`);
    if (body === 'Getting user data from server..') {
      const ride = {
        bike: m.key,
        lookupAt: m.atMs,
        systemAt: -1,
        userId: -1,
        dobMs: 0,
        readings: [],
      };
      current.set(m.key, ride);
      rides.push(ride);
      continue;
    }
    const ride = current.get(m.key);
    if (!ride) throw new Error(`line before any lookup: ${log}`);
    if (body.startsWith('[SYSTEM] data = ')) {
      const rec = JSON.parse(body.slice(16)) as { user_id: number; date_of_birth: number };
      Object.assign(ride, { systemAt: m.atMs, userId: rec.user_id, dobMs: rec.date_of_birth });
      continue;
    }
    const r = /^\[INFO\]: Ride - duration = (\d+)\.0; resistance = (\d+)$/.exec(body);
    if (r) {
      const d = Number(r[1]);
      ride.readings.push({
        d,
        resistance: Number(r[2]),
        hrt: -1,
        rpm: -1,
        power: '',
        rideAt: m.atMs,
        telAt: -1,
      });
      continue;
    }
    const t = /^\[INFO\]: Telemetry - hrt = (\d+); rpm = (\d+); power = (\S+)$/.exec(body);
    const last = ride.readings[ride.readings.length - 1];
    if (!t || !last || last.telAt !== -1) throw new Error(`unexpected line: ${log}`);
    Object.assign(last, { hrt: Number(t[1]), rpm: Number(t[2]), power: t[3], telAt: m.atMs });
  }
  return { rides, mains };
}

function run(opts: FleetOptions): { messages: SimMessage[]; truths: RideTruth[] } {
  const truths: RideTruth[] = [];
  const messages = [...simulateFleet(opts, (t) => truths.push(t))];
  return { messages, truths };
}

function ageAt(dobMs: number, atMs: number): number {
  const a = new Date(dobMs);
  const b = new Date(atMs);
  const before = b.getUTCMonth() * 100 + b.getUTCDate() < a.getUTCMonth() * 100 + a.getUTCDate();
  return b.getUTCFullYear() - a.getUTCFullYear() - (before ? 1 : 0);
}

/** Longest run of consecutive readings that satisfy `test`. */
function longestRun(readings: readonly Reading[], test: (r: Reading) => boolean): number {
  let best = 0;
  let n = 0;
  for (const r of readings) {
    n = test(r) ? n + 1 : 0;
    best = Math.max(best, n);
  }
  return best;
}

describe('simulateFleet', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const take = (seed: number): string[] => {
      const out: string[] = [];
      for (const m of simulateFleet({ ...BASE, ridesPerBike: undefined, seed })) {
        out.push(`${m.atMs}|${m.key}|${m.value}`);
        if (out.length === 30_000) break;
      }
      return out;
    };
    const a = take(7);
    expect(take(7)).toEqual(a);
    expect(take(8)).not.toEqual(a);
  });

  it('yields in global time order with bikes staggered', () => {
    const { messages } = run(BASE);
    const backwards = messages.filter((m, i) => i > 0 && m.atMs < messages[i - 1]!.atMs);
    expect(backwards).toEqual([]);
    const firstAt = new Map<string, number>();
    for (const m of messages) if (!firstAt.has(m.key)) firstAt.set(m.key, m.atMs);
    expect(firstAt.size).toBe(6);
    expect(new Set(firstAt.values()).size).toBeGreaterThan(1);
    expect(Math.max(...firstAt.values()) - START).toBeLessThan(10_000);
  });

  it('lays rides out like the recorded feed and reports their truth', () => {
    const { messages, truths } = run({ ...BASE, rideSeconds: [30, 50] });
    const { rides, mains } = parse(messages);
    expect(mains.sort()).toEqual(['SN0000', 'SN0001', 'SN0002', 'SN0003', 'SN0004', 'SN0005']);
    expect(rides.length).toBe(24);
    expect(truths.length).toBe(24);
    const byBike = new Map<string, ParsedRide[]>();
    for (const ride of rides) byBike.set(ride.bike, [...(byBike.get(ride.bike) ?? []), ride]);
    for (const [i, ride] of rides.entries()) {
      const truth = truths[i]!;
      expect(truth).toMatchObject({
        bikeSerial: ride.bike,
        userId: ride.userId,
        startedAtMs: ride.systemAt,
      });
      expect(ride.systemAt).toBe(ride.lookupAt + 500);
      expect(ride.readings.length).toBe(truth.seconds);
      expect(truth.seconds).toBeGreaterThanOrEqual(30);
      expect(truth.seconds).toBeLessThanOrEqual(50);
      for (const [k, r] of ride.readings.entries()) {
        expect(r.d).toBe(k + 1);
        expect(r.rideAt).toBe(ride.systemAt + r.d * 1000 - 500);
        expect(r.telAt).toBe(ride.systemAt + r.d * 1000);
        expect(r.power).toBe(formatPower(powerFor(r.resistance, r.rpm)));
      }
    }
    // The next ride follows at once, on the same half-second grid.
    for (const list of byBike.values()) {
      for (let i = 1; i < list.length; i++) {
        const prev = list[i - 1]!;
        expect(list[i]!.lookupAt).toBe(prev.readings[prev.readings.length - 1]!.telAt + 500);
      }
    }
  });

  it('starts every ride with hands off the sensors and a still flywheel', () => {
    const { messages } = run({ ...BASE, ridesPerBike: 10, rideSeconds: [60, 90] });
    const { rides } = parse(messages);
    let dropouts = 0;
    for (const ride of rides) {
      for (const r of ride.readings.slice(0, 2)) {
        expect(r).toMatchObject({ resistance: 0, rpm: 0, hrt: 0, power: '0.0' });
      }
      const firstBeat = ride.readings.findIndex((r) => r.hrt > 0);
      expect(firstBeat).toBeGreaterThanOrEqual(2);
      expect(firstBeat).toBeLessThan(15);
      dropouts += ride.readings.slice(firstBeat).filter((r) => r.hrt === 0).length;
    }
    expect(dropouts).toBeGreaterThan(0);
  });

  it('marks about the requested share of rides abnormal, each with an unmistakable stretch', () => {
    const opts = { ...BASE, bikes: 12, ridesPerBike: 8, rideSeconds: [300, 360] as const };
    const { messages, truths } = run(opts);
    const { rides } = parse(messages);
    const abnormal = truths.filter((t) => t.abnormal !== null);
    expect(abnormal.length / truths.length).toBeGreaterThan(0.15);
    expect(abnormal.length / truths.length).toBeLessThan(0.45);
    expect(truths.some((t) => t.abnormal === 'high')).toBe(true);
    expect(truths.some((t) => t.abnormal === 'low')).toBe(true);
    for (const [i, ride] of rides.entries()) {
      const age = ageAt(ride.dobMs, ride.systemAt);
      const high = longestRun(ride.readings, (r) => r.hrt > 220 - age);
      const low = longestRun(ride.readings, (r) => r.hrt > 0 && r.hrt < 40 && r.rpm > 0);
      const kind = truths[i]!.abnormal;
      expect(high >= 20, `ride ${i} high run ${high}`).toBe(kind === 'high');
      expect(low >= 20, `ride ${i} low run ${low}`).toBe(kind === 'low');
      if (kind !== null) continue;
      const healthyMax = Math.min(206 - 0.88 * age, 208 - 0.7 * age);
      for (const r of ride.readings) {
        expect(r.hrt).toBeLessThan(healthyMax);
        if (r.hrt > 0 && r.rpm > 0) expect(r.hrt).toBeGreaterThan(45);
      }
    }
  });

  it('honours abnormalShare 0 and 1', () => {
    expect(run({ ...BASE, abnormalShare: 0 }).truths.every((t) => t.abnormal === null)).toBe(true);
    expect(run({ ...BASE, abnormalShare: 1 }).truths.every((t) => t.abnormal !== null)).toBe(true);
  });

  it('runs endlessly without ridesPerBike and stops cleanly with it', () => {
    let rides = 0;
    const endless = { ...BASE, bikes: 2, ridesPerBike: undefined, rideSeconds: [5, 5] as const };
    const stream = simulateFleet(endless, () => rides++);
    for (let n = 0; n < 5_000; n++) expect(stream.next().done).toBe(false);
    expect(rides).toBeGreaterThan(100);
    expect(run({ ...BASE, bikes: 0 }).messages).toEqual([]);
    expect(run({ ...BASE, ridesPerBike: 0 }).messages).toEqual([]);
  });

  it('rejects options it cannot honour', () => {
    const bad: Partial<FleetOptions>[] = [
      { bikes: -1 },
      { bikes: 1.5 },
      { ridesPerBike: -2 },
      { abnormalShare: 1.5 },
      { abnormalShare: Number.NaN },
      { rideSeconds: [10, 5] },
      { rideSeconds: [0, 5] },
    ];
    for (const b of bad) expect(() => simulateFleet({ ...BASE, ...b }).next()).toThrow(RangeError);
  });
});
