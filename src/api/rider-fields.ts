import type { ApiRole } from '../store/api-keys.repository.js';
import {
  isPseudonymous,
  type PseudonymousDatum,
  type RiderDatum,
} from '../domain/personal-data.js';

/**
 * Each field of the API's rider and the rider data it shows. A viewer key gets the fields drawn
 * from pseudonymous data alone (the rule: src/domain/personal-data.ts); presenters and the
 * OpenAPI schema both read this, so behaviour and docs cannot drift apart.
 */
export const RIDER_FIELD_SOURCES = {
  rider_id: ['riderId'],
  gender: ['gender'],
  age: ['age'],
  height_cm: ['heightCm'],
  weight_kg: ['weightKg'],
  account_created: ['accountCreated'],
  original_source: ['originalSource'],
  title: ['title'],
  first_name: ['firstName'],
  last_name: ['lastName'],
  email: ['email'],
  birth_date: ['birthDate'],
  address: ['addressLine1', 'addressLine2', 'city', 'postcode'],
} as const satisfies Record<string, readonly RiderDatum[]>;

/** A field of the API's rider. */
export type RiderField = keyof typeof RIDER_FIELD_SOURCES;

/** The rider fields a viewer key sees. */
export type ViewerRiderField = {
  [K in RiderField]: (typeof RIDER_FIELD_SOURCES)[K][number] extends PseudonymousDatum ? K : never;
}[RiderField];

/** Whether a viewer key sees this rider field: every datum it shows is pseudonymous. */
export function viewerSees(field: RiderField): field is ViewerRiderField {
  return RIDER_FIELD_SOURCES[field].every((d: RiderDatum) => isPseudonymous(d));
}

/** Every rider field, in the API's order. */
export const RIDER_FIELDS: readonly RiderField[] = Object.keys(RIDER_FIELD_SOURCES) as RiderField[];

/** The rider fields a viewer key sees, in the API's order. */
export const VIEWER_RIDER_FIELDS: readonly ViewerRiderField[] = RIDER_FIELDS.filter(viewerSees);

/** The rider fields a role sees, in the API's order: the JSON and the CSV riders both follow this. */
export function riderFieldsFor(role: ApiRole): readonly RiderField[] {
  return role === 'admin' ? RIDER_FIELDS : VIEWER_RIDER_FIELDS;
}

/** The part of a rider a role may see: every field for admin keys, the viewer fields otherwise. */
export function riderPart<T extends Record<RiderField, unknown>>(
  rider: T,
  role: ApiRole,
): Pick<T, ViewerRiderField> & Partial<T> {
  return Object.fromEntries(riderFieldsFor(role).map((f) => [f, rider[f]])) as Pick<
    T,
    ViewerRiderField
  > &
    Partial<T>;
}
