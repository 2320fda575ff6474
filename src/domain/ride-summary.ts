/** One second of a ride. Null fields are unknown (a Ride line without its Telemetry, or the reverse). */
export interface Reading {
  readonly elapsedS: number;
  readonly recordedAtMs: number;
  readonly heartRate: number | null;
  readonly rpm: number | null;
  readonly resistance: number | null;
  readonly powerW: number | null;
}

/** Running totals from which every summary figure follows; kept per open ride. */
export interface SummaryState {
  readingCount: number;
  maxElapsedS: number;
  hrSum: number;
  hrCount: number;
  hrMin: number;
  hrMax: number;
  rpmSum: number;
  rpmCount: number;
  resistanceSum: number;
  resistanceCount: number;
  powerSum: number;
  powerCount: number;
  powerMax: number;
  /** The rider's personal maximum heart rate for this ride (Infinity: none known). */
  readonly limitBpm: number;
  /** Readings whose heart rate was above `limitBpm`: one second each. */
  aboveLimitCount: number;
}

/** The summary columns of `rides`. */
export interface RideSummary {
  readonly durationS: number;
  readonly readingCount: number;
  readonly avgHeartRate: number | null;
  readonly minHeartRate: number | null;
  readonly maxHeartRate: number | null;
  readonly avgRpm: number | null;
  readonly avgResistance: number | null;
  readonly avgPowerW: number | null;
  readonly maxPowerW: number | null;
  readonly energyKj: number;
  /** Seconds spent above the rider's personal maximum heart rate. */
  readonly secondsAboveMax: number;
}

/** A summary of no readings, for a rider with this personal maximum (null: none known). */
export function emptySummary(personalMaxBpm: number | null = null): SummaryState {
  return {
    readingCount: 0,
    maxElapsedS: 0,
    hrSum: 0,
    hrCount: 0,
    hrMin: Infinity,
    hrMax: -Infinity,
    rpmSum: 0,
    rpmCount: 0,
    resistanceSum: 0,
    resistanceCount: 0,
    powerSum: 0,
    powerCount: 0,
    powerMax: -Infinity,
    limitBpm: personalMaxBpm ?? Infinity,
    aboveLimitCount: 0,
  };
}

/** Adds one reading; a heart rate of 0 means no contact and is left out of heart-rate figures. */
export function addReading(s: SummaryState, r: Reading): void {
  s.readingCount++;
  if (r.elapsedS > s.maxElapsedS) s.maxElapsedS = r.elapsedS;
  const hr = r.heartRate;
  if (hr !== null && hr > 0) {
    s.hrSum += hr;
    s.hrCount++;
    if (hr < s.hrMin) s.hrMin = hr;
    if (hr > s.hrMax) s.hrMax = hr;
    if (hr > s.limitBpm) s.aboveLimitCount++;
  }
  if (r.rpm !== null) {
    s.rpmSum += r.rpm;
    s.rpmCount++;
  }
  if (r.resistance !== null) {
    s.resistanceSum += r.resistance;
    s.resistanceCount++;
  }
  if (r.powerW !== null) {
    s.powerSum += r.powerW;
    s.powerCount++;
    if (r.powerW > s.powerMax) s.powerMax = r.powerW;
  }
}

/** The figures stored on the ride: averages, extremes and energy (sum of one-second powers / 1000). */
export function summarize(s: SummaryState): RideSummary {
  const avg = (sum: number, n: number): number | null => (n === 0 ? null : sum / n);
  return {
    durationS: s.maxElapsedS,
    readingCount: s.readingCount,
    avgHeartRate: avg(s.hrSum, s.hrCount),
    minHeartRate: s.hrCount === 0 ? null : s.hrMin,
    maxHeartRate: s.hrCount === 0 ? null : s.hrMax,
    avgRpm: avg(s.rpmSum, s.rpmCount),
    avgResistance: avg(s.resistanceSum, s.resistanceCount),
    avgPowerW: avg(s.powerSum, s.powerCount),
    maxPowerW: s.powerCount === 0 ? null : s.powerMax,
    energyKj: s.powerSum / 1000,
    secondsAboveMax: s.aboveLimitCount,
  };
}
