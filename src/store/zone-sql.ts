import { HEART_RATE_ZONES } from '../domain/heart-rate-zones.js';
import { raw, type Sql } from './sql.js';

/**
 * A SQL expression giving the index in HEART_RATE_ZONES of the zone a heart rate reaches of a
 * personal maximum (constant column expressions), or null when either is unknown or the rate is
 * 0: zoneOf's rule (the same float division), generated from the same list so SQL never holds a second copy of the zones.
 */
export function zoneIndex(bpm: string, maxBpm: string): Sql {
  const aboveIndex = HEART_RATE_ZONES.findIndex((z) => z.id === 'above');
  const arms = HEART_RATE_ZONES.map((z, i) => ({ z, i }))
    .filter(({ z }) => z.id !== 'above')
    .reverse()
    .map(({ z, i }) => `WHEN ${bpm}::float8 / ${maxBpm} >= ${z.fromShare}::float8 THEN ${i}`);
  return raw(`(CASE WHEN ${bpm} IS NULL OR ${bpm} <= 0 OR ${maxBpm} IS NULL OR ${maxBpm} <= 0
    THEN NULL WHEN ${bpm} > ${maxBpm} THEN ${aboveIndex} ${arms.join(' ')} END)`);
}
