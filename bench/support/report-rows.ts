// Rows for the report benchmark: riders, a week and a day of finished rides with consistent
// summary columns, and the alerts some of them raised. Seeded, so every run sees the same data.
import { ageOn } from '../../src/domain/age.js';
import { maxHeartRate } from '../../src/domain/heart-rate.js';
import type { Gender } from '../../src/domain/rider.js';

/** A seeded generator (mulberry32): the same data set on every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface RiderRow {
  readonly riderId: number;
  readonly title: string | null;
  readonly firstName: string;
  readonly lastName: string;
  readonly gender: Gender;
  readonly birthDate: string | null;
  readonly heightCm: number;
  readonly weightKg: number;
  /** How hard they usually ride: a share of their maximum heart rate, and watts. */
  readonly effort: number;
  readonly powerW: number;
}

export interface RideRow {
  readonly rideId: number;
  readonly rider: RiderRow;
  readonly bikeSerial: string;
  readonly startedAtMs: number;
  readonly durationS: number;
  readonly readingCount: number;
  readonly avgHeartRate: number;
  readonly minHeartRate: number;
  readonly maxHeartRate: number;
  readonly avgRpm: number;
  readonly avgResistance: number;
  readonly avgPowerW: number;
  readonly maxPowerW: number;
  readonly energyKj: number;
  readonly riderAge: number | null;
  readonly personalMaxBpm: number | null;
  readonly secondsAboveMax: number;
}

export interface AlertRow {
  readonly ride: RideRow;
  readonly kind: 'high' | 'low';
  readonly readings: readonly { elapsed_s: number; at: string; bpm: number }[];
  readonly limitBpm: number;
  readonly detectedAtMs: number;
  readonly elapsedS: number;
  readonly state: 'queued' | 'sent' | 'failed';
}

const FIRST = {
  female: ['Olivia', 'Amelia', 'Isla', 'Ava', 'Mia', 'Grace', 'Sophie', 'Chloé', 'Zoë', 'Aoife'],
  male: ['Oliver', 'George', 'Noah', 'Arthur', 'Leo', 'Harry', 'Oscar', 'Muhammad', 'José', 'Seán'],
  other: ['Alex', 'Sam', 'Charlie', 'Jordan', 'Robin', 'Jamie'],
} as const;
const LAST = [
  'Smith',
  'Jones',
  'Taylor',
  'Brown',
  'Williams',
  'Wilson',
  'Johnson',
  'Davies',
  'Patel',
  'Wright',
  "O'Brien",
  'Evans',
  'Nguyen',
  'Khan',
  'Müller',
  'García',
  'Kowalski',
];
const TITLES = { female: ['Ms', 'Mrs', 'Miss', 'Dr'], male: ['Mr', 'Dr'], other: ['Mx'] } as const;

/**
 * Rides per local hour, as a share of the day's peak: quiet nights, a commuter peak before work,
 * lunch, and the busiest evening.
 */
const HOUR_WEIGHTS = [
  0.02, 0.01, 0.01, 0.01, 0.02, 0.08, 0.35, 0.7, 0.6, 0.35, 0.3, 0.35, 0.5, 0.45, 0.3, 0.3, 0.45,
  0.8, 1, 0.9, 0.6, 0.35, 0.15, 0.05,
];

const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const between = (rnd: () => number, lo: number, hi: number): number => lo + rnd() * (hi - lo);
const iso = (ms: number): string => new Date(ms).toISOString();

/** `count` riders: ages 14 to 85 (2 % without a birth date), four genders, names with accents. */
export function makeRiders(rnd: () => number, count: number, dayMs: number): RiderRow[] {
  return Array.from({ length: count }, (_, i) => {
    const g = rnd();
    const gender: Gender = g < 0.49 ? 'female' : g < 0.96 ? 'male' : g < 0.99 ? 'other' : 'unknown';
    const names = gender === 'unknown' ? FIRST.other : FIRST[gender];
    const titles = gender === 'unknown' ? [null] : [...TITLES[gender], null];
    // Most riders between 20 and 60, a tail of teenagers and over-65s for the outer age bands.
    const age = Math.min(85, Math.max(14, 40 + (rnd() + rnd() + rnd() - 1.5) * 28));
    const birthMs = dayMs - age * 365.25 * 86_400_000;
    return {
      riderId: 1_000 + i,
      title: pick(rnd, titles),
      firstName: pick(rnd, names),
      lastName: pick(rnd, LAST),
      gender,
      birthDate: rnd() < 0.02 ? null : iso(birthMs).slice(0, 10),
      heightCm: Math.round(between(rnd, 150, 200)),
      weightKg: Math.round(between(rnd, 48, 110)),
      effort: between(rnd, 0.6, 0.85),
      powerW: between(rnd, 90, 260),
    };
  });
}

/** Start instants of `count` rides in [fromMs, fromMs + 24 h), following HOUR_WEIGHTS. */
function startTimes(rnd: () => number, count: number, fromMs: number): number[] {
  const total = HOUR_WEIGHTS.reduce((a, b) => a + b, 0);
  const starts: number[] = [];
  for (let i = 0; i < count; i++) {
    let r = rnd() * total;
    let hour = 0;
    while (hour < 23 && r >= HOUR_WEIGHTS[hour]!) r -= HOUR_WEIGHTS[hour++]!;
    starts.push(fromMs + hour * 3_600_000 + Math.floor(rnd() * 3_600_000));
  }
  return starts.sort((a, b) => a - b);
}

/**
 * One day's `count` rides from `riders`, each on a bike of the fleet that is free then (rides on
 * one bike never overlap), with summary columns that agree with each other; about `alertShare` of
 * them raised an alert (mostly above the rider's maximum, some too low), and their peak or lowest
 * heart rate says so.
 */
export function makeDay(
  rnd: () => number,
  o: {
    fromMs: number;
    count: number;
    riders: readonly RiderRow[];
    bikes: number;
    firstId: number;
    alertShare: number;
  },
): { rides: RideRow[]; alerts: AlertRow[] } {
  const freeAtMs = new Array<number>(o.bikes).fill(0);
  const alerts: AlertRow[] = [];
  const rides = startTimes(rnd, o.count, o.fromMs).map((startedAtMs, i): RideRow => {
    let bike = Math.floor(rnd() * o.bikes);
    for (let tries = 0; freeAtMs[bike]! > startedAtMs && tries < 50; tries++)
      bike = Math.floor(rnd() * o.bikes);
    const rider = pick(rnd, o.riders);
    // 10 to 60 minutes, most near 30 to 45.
    const durationS = Math.round(600 + ((rnd() + rnd()) / 2) * 3_000);
    freeAtMs[bike] = startedAtMs + durationS * 1000 + 60_000;
    const age = rider.birthDate === null ? null : ageOn(rider.birthDate, startedAtMs);
    const maxBpm = age === null ? null : maxHeartRate(age, rider.gender, 'gulati-tanaka');
    const avgHr = Math.round(
      (maxBpm ?? 185) * Math.min(0.95, rider.effort + between(rnd, -0.1, 0.1)),
    );
    const a = rnd();
    const alert: 'high' | 'low' | null =
      a < o.alertShare * 0.85 && maxBpm !== null ? 'high' : a < o.alertShare ? 'low' : null;
    let peak = Math.round(avgHr + between(rnd, 12, 35));
    if (alert === 'high' && maxBpm !== null)
      peak = Math.max(peak, maxBpm + 4 + Math.floor(rnd() * 12));
    const lowest =
      alert === 'low' ? 28 + Math.floor(rnd() * 10) : Math.round(avgHr - between(rnd, 25, 45));
    const above = maxBpm !== null && peak > maxBpm ? Math.round(between(rnd, 8, 180)) : 0;
    const power = rider.powerW * between(rnd, 0.85, 1.15);
    const ride: RideRow = {
      rideId: o.firstId + i,
      rider,
      bikeSerial: `SN${String(bike + 1).padStart(4, '0')}`,
      startedAtMs,
      durationS,
      readingCount: durationS - Math.floor(rnd() * 4),
      avgHeartRate: avgHr,
      minHeartRate: lowest,
      maxHeartRate: peak,
      avgRpm: Math.round(between(rnd, 65, 100) * 10) / 10,
      avgResistance: Math.round(between(rnd, 30, 70) * 10) / 10,
      avgPowerW: Math.round(power * 10) / 10,
      maxPowerW: Math.round(power * between(rnd, 1.5, 2.2)),
      energyKj: Math.round(((power * durationS) / 1000) * 10) / 10,
      riderAge: age,
      personalMaxBpm: maxBpm,
      secondsAboveMax: above,
    };
    if (alert !== null) alerts.push(makeAlert(rnd, ride, alert));
    return ride;
  });
  return { rides, alerts };
}

/** The alert a ride raised: a run of 3 to 8 abnormal seconds that reaches its peak or lowest. */
function makeAlert(rnd: () => number, ride: RideRow, kind: 'high' | 'low'): AlertRow {
  const limitBpm = kind === 'high' ? ride.personalMaxBpm! : 40;
  const run = 3 + Math.floor(rnd() * 6);
  const first = 60 + Math.floor(rnd() * (ride.durationS - 120));
  const readings = Array.from({ length: run }, (_, k) => {
    const extreme = k === run - 1;
    const bpm =
      kind === 'high'
        ? extreme
          ? ride.maxHeartRate
          : limitBpm + 1 + Math.floor(rnd() * (ride.maxHeartRate - limitBpm))
        : extreme
          ? ride.minHeartRate
          : ride.minHeartRate + Math.floor(rnd() * (limitBpm - ride.minHeartRate));
    return { elapsed_s: first + k, at: iso(ride.startedAtMs + (first + k) * 1000), bpm };
  });
  const s = rnd();
  return {
    ride,
    kind,
    readings,
    limitBpm,
    detectedAtMs: ride.startedAtMs + (first + run - 1) * 1000 + 400,
    elapsedS: first + run - 1,
    state: s < 0.85 ? 'sent' : s < 0.93 ? 'failed' : 'queued',
  };
}
