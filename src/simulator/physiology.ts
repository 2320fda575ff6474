// One ride, second by second: resistance, cadence, power and heart rate shaped like the recorded
// feed (a base resistance with ~20 s hard intervals, cadence wandering around a rider-specific
// value with sprints, dips and fatigue sags, heart rate lagging effort). Abnormal rides carry one
// unmistakable stretch that an alerting consumer must catch; normal rides never come near it.
import { powerFor } from './power.js';
import type { Rng } from './rng.js';

/** Which kind of heart-rate anomaly a ride carries, if any. */
export type Abnormality = 'high' | 'low' | null;

/** What the model needs to know about the rider. */
export interface RiderTraits {
  readonly age: number;
  /** 0 (unfit) .. 1 (athlete). */
  readonly fitness: number;
  readonly weightKg: number;
}

/** Upper bound of a healthy heart rate at an age: below both common max-HR formulas. */
export function healthyMaxHeartRate(age: number): number {
  return Math.min(206 - 0.88 * age, 208 - 0.7 * age);
}

// Heart rate a ride stays above while pedalling unless it is a 'low' ride (the spec says 45).
const NORMAL_FLOOR = 50;
// Length of the abnormal stretch in seconds; the consumer's rule needs ~20 consecutive readings.
const STRETCH_MIN = 28;
const STRETCH_MAX = 60;
// Seconds the heart rate takes to swing into the abnormal band.
const STRETCH_RAMP = 4;

const BASE_LEVELS: readonly (readonly [number, number])[] = [
  [30, 6],
  [40, 1],
  [50, 1],
  [60, 2],
];
const HIGH_LEVELS: readonly (readonly [number, number])[] = [
  [170, 5],
  [130, 2],
  [99, 1],
  [200, 1],
  [220, 0.3],
];

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** A ride advanced one second at a time; read the public fields after each `advance()`. */
export class RideModel {
  /** Seconds since the ride began (the `duration` of the current reading). */
  second = 0;
  resistance = 0;
  rpm = 0;
  /** Heart rate as printed: 0 while the hands are off the sensors. */
  hrt = 0;
  power = 0;
  /** The anomaly the ride really carries (null if it was asked for but the ride is too short). */
  readonly abnormal: Abnormality;

  private readonly rng: Rng;
  private readonly age: number;
  private readonly rpmStart: number;
  private readonly hrStart: number;
  private readonly base: number;
  private readonly high: number;
  private readonly ease: number;
  private readonly cadence0: number;
  private readonly sprintPeak: number;
  private readonly rest: number;
  private readonly ceiling: number;
  private readonly powerRef: number;
  private readonly sagStart: number;
  private readonly sagEnd: number;
  private readonly sagCadence: number;
  private readonly stretchStart: number;
  private readonly stretchEnd: number;
  private readonly stretchHr: number;
  private intervalStart: number;
  private cadence = 0;
  private heart: number;

  /** Plans a ride of `seconds` readings for a rider; `abnormal` asks for an anomaly stretch. */
  constructor(
    rng: Rng,
    rider: RiderTraits,
    readonly seconds: number,
    abnormal: Abnormality,
  ) {
    this.rng = rng;
    this.age = rider.age;
    const fit = rider.fitness;
    this.rpmStart = rng.int(3, 7);
    this.hrStart = rng.int(3, 10);
    this.base = rng.weighted(BASE_LEVELS);
    this.high = rng.weighted(HIGH_LEVELS);
    // The recorded rides step down through roughly the midpoint (170 → 99 → 30).
    this.ease = Math.round((this.high + this.base) / 2) - 1;
    this.intervalStart = rng.int(60, 150);
    this.cadence0 = clamp(48 + 22 * fit + rng.normal(0, 5), 38, 85);
    this.sprintPeak = clamp(110 + 35 * fit + rng.normal(0, 8), 90, 150);
    this.rest = clamp(76 - 24 * fit + rng.normal(0, 4) + (rider.age > 60 ? 2 : 0), 52, 85);
    this.ceiling = healthyMaxHeartRate(rider.age) - 3;
    this.powerRef = (60 + 160 * fit) * (clamp(rider.weightKg, 45, 120) / 75);
    this.heart = this.rest + rng.uniform(8, 20);
    const hasSag = seconds > 200 && rng.chance(0.3);
    this.sagStart = hasSag ? rng.int(120, seconds - 60) : -1;
    this.sagEnd = hasSag ? this.sagStart + rng.int(15, 45) : -1;
    this.sagCadence = rng.int(10, 25);

    // The stretch must start once the sensors read and end before the ride does.
    const earliest = Math.max(this.hrStart, this.rpmStart) + 15;
    const room = seconds - 5 - earliest;
    const wanted = abnormal !== null && room >= STRETCH_MIN;
    this.abnormal = wanted ? abnormal : null;
    const len = wanted ? rng.int(STRETCH_MIN, Math.min(STRETCH_MAX, room)) : 0;
    this.stretchStart = wanted ? rng.int(earliest, earliest + room - len) : -1;
    this.stretchEnd = this.stretchStart + len;
    this.stretchHr =
      abnormal === 'high' ? 220 - rider.age + rng.uniform(15, 30) : rng.uniform(28, 36);
  }

  /** Moves to the next second and computes its reading. */
  advance(): void {
    const d = ++this.second;
    this.resistance = this.resistanceAt(d);
    this.rpm = d < this.rpmStart ? 0 : this.cadenceAt(d);
    this.power = powerFor(this.resistance, this.rpm);
    this.hrt = this.heartAt(d);
  }

  private resistanceAt(d: number): number {
    if (d <= 2) return 0;
    if (d < this.intervalStart) return this.base;
    const into = d - this.intervalStart;
    const hardFor = 20;
    if (into < hardFor) return this.high;
    if (into < hardFor + 2) return this.ease;
    // Plan the next interval now that this one is over.
    this.intervalStart = d + this.rng.int(100, 200);
    return this.base;
  }

  private cadenceAt(d: number): number {
    const rng = this.rng;
    if (d === this.rpmStart) this.cadence = this.cadence0 * rng.uniform(0.6, 1);
    let target = this.cadence0;
    const into = d - this.intervalStart;
    if (into >= 0 && into < 20) target = 85 + (this.sprintPeak - 85) * Math.exp(-into / 8);
    else if (d >= this.sagStart && d < this.sagEnd) target = this.sagCadence;
    // Riders jump into a sprint but drift back to their own pace.
    const pull = target > this.cadence + 20 ? 0.6 : 0.35;
    this.cadence += pull * (target - this.cadence) + rng.normal(0, 2.5);
    let shown = this.cadence;
    // One-second stalls, as in the recorded rides (58 → 30 → 54 rpm).
    if (rng.chance(0.015)) shown *= rng.uniform(0.1, 0.6);
    return Math.round(clamp(shown, 1, 160));
  }

  private heartAt(d: number): number {
    const rng = this.rng;
    const inStretch = d >= this.stretchStart && d < this.stretchEnd;
    if (inStretch) {
      // Swing quickly into the band, then hold it with a little beat-to-beat noise.
      const ramp = d - this.stretchStart < STRETCH_RAMP;
      this.heart = ramp
        ? this.heart + (this.stretchHr - this.heart) * 0.5
        : this.stretchHr + rng.normal(0, 1.2);
      // Pin the band so the stretch is unmistakable: at least 10 above 220-age, or below 40.
      if (!ramp && this.abnormal === 'high') this.heart = Math.max(this.heart, 230 - this.age);
      if (!ramp && this.abnormal === 'low') this.heart = Math.min(this.heart, 38);
    } else {
      const effort = this.power / (this.power + this.powerRef);
      const drift = (0.08 * d) / this.seconds;
      const share = Math.min(0.97, 0.28 + 0.75 * effort + drift);
      const target = this.rest + (this.ceiling - this.rest) * share;
      // Heart rate climbs faster than it recovers.
      const tau = target > this.heart ? 12 : 25;
      this.heart += (target - this.heart) / tau + rng.normal(0, 0.7);
      // Normal rides stay in the healthy band; abnormal ones recover freely after the stretch.
      if (this.abnormal === null || d < this.stretchStart)
        this.heart = clamp(this.heart, NORMAL_FLOOR, this.ceiling);
    }
    if (d < this.hrStart) return 0;
    // Hands off the sensors for a second now and then, never inside the anomaly.
    if (!inStretch && d > this.hrStart + 5 && rng.chance(0.006)) return 0;
    return Math.max(1, Math.round(this.heart));
  }
}
