import { AGE_BANDS } from '../domain/age.js';
import { raw, type Sql } from './sql.js';

const whole = (n: number): number => {
  if (!Number.isSafeInteger(n)) throw new Error(`an age band bound must be a whole number: ${n}`);
  return n;
};

/**
 * A SQL expression giving the index in AGE_BANDS of the band an age (a constant column name)
 * falls in, or null for an unknown age or one in no band. Generated from the list, so SQL never
 * holds a second copy of the bands.
 */
export function ageBandIndex(column: string): Sql {
  const arms = AGE_BANDS.map((b, i) => {
    const upper = b.max === null ? '' : ` AND ${column} <= ${whole(b.max)}`;
    return `WHEN ${column} >= ${whole(b.min)}${upper} THEN ${i}`;
  });
  return raw(`(CASE ${arms.join(' ')} END)`);
}
