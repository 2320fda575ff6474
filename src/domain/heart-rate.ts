import { ageOn } from './age.js';
import type { Gender } from './rider.js';

/** Which formula gives a rider's maximum heart rate. */
export type MaxHrFormula = 'gulati-tanaka' | 'fox';

/** What an alert is about. */
export type AlertKind = 'high' | 'low';

/** The alert settings (ALERT_* variables). */
export interface AlertSettings {
  readonly formula: MaxHrFormula;
  /** Below this while pedalling is abnormally low. */
  readonly lowBpm: number;
  /** Consecutive abnormal readings before an alert fires. */
  readonly sustainReadings: number;
  /** Least time between two alerts of one kind in one ride. */
  readonly cooldownMs: number;
}

/** The defaults the issue names: Gulati/Tanaka, 40 bpm, 3 readings, 5 minutes. */
export const DEFAULT_ALERT_SETTINGS: AlertSettings = {
  formula: 'gulati-tanaka',
  lowBpm: 40,
  sustainReadings: 3,
  cooldownMs: 5 * 60_000,
};

// "Normal for a while" before the same kind may fire again: half a minute of normal seconds.
const RECOVERY_READINGS = 30;

/**
 * A rider's maximum heart rate in whole bpm: Gulati (206 - 0.88 x age) for women, Tanaka
 * (208 - 0.7 x age) for men, the lower of the two otherwise; or Fox (220 - age).
 */
export function maxHeartRate(age: number, gender: Gender, formula: MaxHrFormula): number {
  if (formula === 'fox') return Math.round(220 - age);
  const gulati = 206 - 0.88 * age;
  const tanaka = 208 - 0.7 * age;
  switch (gender) {
    case 'female':
      return Math.round(gulati);
    case 'male':
      return Math.round(tanaka);
    case 'other':
    case 'unknown':
      return Math.round(Math.min(gulati, tanaka));
  }
}

/** What a rider's heart-rate limits follow from. */
export interface RiderBody {
  readonly gender: Gender;
  /** `YYYY-MM-DD`, or null when unknown. */
  readonly birthDate: string | null;
}

/** A rider's age and personal maximum at an instant; both null without a birth date. */
export function personalLimits(
  rider: RiderBody,
  atMs: number,
  formula: MaxHrFormula,
): { readonly age: number | null; readonly maxBpm: number | null } {
  if (rider.birthDate === null) return { age: null, maxBpm: null };
  const age = ageOn(rider.birthDate, atMs);
  return { age, maxBpm: maxHeartRate(age, rider.gender, formula) };
}

/** One heart-rate reading as the detector sees it. */
export interface HrSample {
  readonly elapsedS: number;
  readonly atMs: number;
  readonly bpm: number;
}

/** An alert the detector raised: the run of readings that caused it and the limit they crossed. */
export interface HeartRateAlert {
  readonly kind: AlertKind;
  readonly readings: readonly HrSample[];
  readonly limitBpm: number;
  readonly detectedAtMs: number;
}

/** Per-ride detector state. */
export interface HeartRateState {
  readonly maxBpm: number;
  /** The current abnormal run: its last readings (at most the sustain count) and whether it fired. */
  run: { kind: AlertKind; samples: HrSample[]; fired: boolean } | null;
  normalStreak: number;
  lastFiredAtMs: Record<AlertKind, number | null>;
  /** Whether the rate has been normal for a while since the kind last fired. */
  recovered: Record<AlertKind, boolean>;
}

/** A fresh detector for a ride whose rider has this maximum heart rate. */
export function newHeartRateState(maxBpm: number): HeartRateState {
  return {
    maxBpm,
    run: null,
    normalStreak: 0,
    lastFiredAtMs: { high: null, low: null },
    recovered: { high: true, low: true },
  };
}

/**
 * Feeds one reading; returns the alert it completes, if any. A heart rate of 0 or unknown is
 * no contact: it neither breaks nor extends a run.
 */
export function observeHeartRate(
  s: HeartRateState,
  r: { elapsedS: number; recordedAtMs: number; heartRate: number | null; rpm: number | null },
  settings: AlertSettings,
): HeartRateAlert | null {
  const bpm = r.heartRate;
  if (bpm === null || bpm === 0) return null;
  const atMs = r.recordedAtMs;
  const kind: AlertKind | null =
    bpm > s.maxBpm ? 'high' : bpm < settings.lowBpm && (r.rpm ?? 0) > 0 ? 'low' : null;
  if (kind === null) {
    s.run = null;
    s.normalStreak++;
    if (s.normalStreak >= RECOVERY_READINGS) {
      s.recovered.high = true;
      s.recovered.low = true;
    }
    return null;
  }
  s.normalStreak = 0;
  const sample: HrSample = { elapsedS: r.elapsedS, atMs, bpm };
  if (s.run?.kind === kind) {
    s.run.samples.push(sample);
    if (s.run.samples.length > settings.sustainReadings) s.run.samples.shift();
  } else s.run = { kind, samples: [sample], fired: false };
  if (s.run.fired || s.run.samples.length < settings.sustainReadings) return null;
  // Checked on every reading of a long run, not only its N-th: an episode that began during the
  // cooldown still alerts once the cooldown is over.
  const last = s.lastFiredAtMs[kind];
  const mayFire = last === null || (s.recovered[kind] && atMs - last >= settings.cooldownMs);
  if (!mayFire) return null;
  s.run.fired = true;
  s.lastFiredAtMs[kind] = atMs;
  s.recovered[kind] = false;
  return {
    kind,
    readings: [...s.run.samples],
    limitBpm: kind === 'high' ? s.maxBpm : settings.lowBpm,
    detectedAtMs: atMs,
  };
}
