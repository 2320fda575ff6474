import type { Rider } from './rider.js';

/** Who may see a piece of rider data: see `RIDER_DATA`. */
export type DataClass = 'identifying' | 'pseudonymous';

/** A rider's stored fields, and the coarse figures derived from the exact birth date. */
export type RiderDatum = keyof Rider | 'age' | 'birthYear';

/**
 * The one rule for riders' data, which the API's roles and the BI views both follow. Direct
 * identifiers, which name, reach or single out a person (title, first and last name, email,
 * postal address, exact birth date), are identifying: admin keys only, never in BI. The rest
 * describes a rider without naming them (rider id, gender, age and birth year, height, weight,
 * account creation date, original source, bike serial) and is pseudonymous: viewer keys and BI
 * see it. Pseudonymous data is still personal data in law (the rider id links it to the
 * identifying part), so it stays behind a key and is erased with the rider.
 */
export const RIDER_DATA = {
  riderId: 'pseudonymous',
  title: 'identifying',
  firstName: 'identifying',
  lastName: 'identifying',
  gender: 'pseudonymous',
  birthDate: 'identifying',
  age: 'pseudonymous',
  birthYear: 'pseudonymous',
  heightCm: 'pseudonymous',
  weightKg: 'pseudonymous',
  email: 'identifying',
  addressLine1: 'identifying',
  addressLine2: 'identifying',
  city: 'identifying',
  postcode: 'identifying',
  accountCreated: 'pseudonymous',
  originalSource: 'pseudonymous',
  bikeSerial: 'pseudonymous',
} as const satisfies Record<RiderDatum, DataClass>;

/** The rider data that viewer keys and BI may see. */
export type PseudonymousDatum = {
  [K in RiderDatum]: (typeof RIDER_DATA)[K] extends 'pseudonymous' ? K : never;
}[RiderDatum];

/** Whether viewer keys and BI may see this rider datum. */
export function isPseudonymous(datum: RiderDatum): datum is PseudonymousDatum {
  return RIDER_DATA[datum] === 'pseudonymous';
}
