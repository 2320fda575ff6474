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
  return bandCase(column, (_, i) => String(i));
}

/** As ageBandIndex, giving the band's label instead of its index. */
export function ageBandLabel(column: string): Sql {
  return bandCase(column, (b) => `'${b.label.replaceAll("'", "''")}'`);
}

function bandCase(
  column: string,
  value: (b: (typeof AGE_BANDS)[number], i: number) => string,
): Sql {
  const arms = AGE_BANDS.map((b, i) => {
    const upper = b.max === null ? '' : ` AND ${column} <= ${whole(b.max)}`;
    return `WHEN ${column} >= ${whole(b.min)}${upper} THEN ${value(b, i)}`;
  });
  return raw(`(CASE ${arms.join(' ')} END)`);
}
