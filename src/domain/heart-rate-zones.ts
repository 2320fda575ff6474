// Heart-rate zones: the share of a rider's personal maximum a reading reaches, in the bands
// every view colours and counts by. Defined once, here; the dashboard, the report and the BI
// views all take them from this list.

/** A zone: from `fromShare` (inclusive) of the personal maximum up to the next zone's start. */
export interface HeartRateZone {
  readonly id: 'rest' | 'z1' | 'z2' | 'z3' | 'z4' | 'z5' | 'above';
  /** The zone in words, for people (colour is never the only sign). */
  readonly label: string;
  readonly fromShare: number;
}

/** The zones in rising order: five training zones of 10 points each, and above the maximum. */
export const HEART_RATE_ZONES: readonly HeartRateZone[] = [
  { id: 'rest', label: 'resting', fromShare: 0 },
  { id: 'z1', label: 'very light', fromShare: 0.5 },
  { id: 'z2', label: 'light', fromShare: 0.6 },
  { id: 'z3', label: 'moderate', fromShare: 0.7 },
  { id: 'z4', label: 'hard', fromShare: 0.8 },
  { id: 'z5', label: 'maximum', fromShare: 0.9 },
  // Strictly above the maximum (a share over 1): what the high-rate alert watches for.
  { id: 'above', label: 'above maximum', fromShare: 1 },
];

/**
 * The zone of a reading for a rider with this personal maximum; null when either is unknown or
 * the rate is 0 (no contact: the rider's hands are off the sensors).
 */
export function zoneOf(bpm: number | null, maxBpm: number | null): HeartRateZone | null {
  if (bpm === null || bpm <= 0 || maxBpm === null || maxBpm <= 0) return null;
  // Exactly at the maximum is still the top training zone; only above it is 'above'.
  if (bpm > maxBpm) return HEART_RATE_ZONES[HEART_RATE_ZONES.length - 1]!;
  const share = bpm / maxBpm;
  let zone = HEART_RATE_ZONES[0]!;
  for (const z of HEART_RATE_ZONES) if (z.id !== 'above' && share >= z.fromShare) zone = z;
  return zone;
}
