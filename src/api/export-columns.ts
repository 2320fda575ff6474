import type { ApiRole } from '../store/api-keys.repository.js';
import type { ExportRideRow, ZonedReadingRow } from '../store/export-pages.repository.js';
import type { CsvValue } from './csv.js';
import type { CsvFormat } from './csv-stream.js';
import { presentReading, presentRide, presentRider, type FullRider } from './presenters.js';
import { riderFieldsFor, type RiderField } from './rider-fields.js';

// The CSV exports' columns. Every figure goes through the JSON API's presenters, so a CSV cell
// and the JSON field it stands for are the same value (the same rounding, ISO 8601 UTC times).

type PresentedRide = ReturnType<typeof presentRide>;

const RIDE_COLUMNS: readonly (readonly [string, (r: PresentedRide) => CsvValue])[] = [
  ['ride_id', (r) => r.ride_id],
  ['bike_serial', (r) => r.bike_serial],
  ['rider_id', (r) => r.rider_id],
  ['started_at', (r) => r.started_at],
  ['ended_at', (r) => r.ended_at],
  ['duration_s', (r) => r.duration_s],
  ['reading_count', (r) => r.summary.reading_count],
  ['avg_heart_rate', (r) => r.summary.avg_heart_rate],
  ['min_heart_rate', (r) => r.summary.min_heart_rate],
  ['max_heart_rate', (r) => r.summary.max_heart_rate],
  ['avg_rpm', (r) => r.summary.avg_rpm],
  ['avg_resistance', (r) => r.summary.avg_resistance],
  ['avg_power_w', (r) => r.summary.avg_power_w],
  ['max_power_w', (r) => r.summary.max_power_w],
  ['energy_kj', (r) => r.summary.energy_kj],
  ['rider_age', (r) => r.rider_age],
  ['personal_max_bpm', (r) => r.personal_max_bpm],
  ['seconds_above_max', (r) => r.seconds_above_max],
  ['alert_count', (r) => r.alert_count],
];

/**
 * The columns of each rider field: its JSON name, a nested object's parts joined by `_`
 * (`address.city` is `address_city`). The rider id is the ride's own `rider_id` column.
 */
const RIDER_COLUMNS: { readonly [F in RiderField]: readonly string[] } = {
  rider_id: [],
  gender: ['gender'],
  age: ['age'],
  height_cm: ['height_cm'],
  weight_kg: ['weight_kg'],
  account_created: ['account_created'],
  original_source: ['original_source'],
  title: ['title'],
  first_name: ['first_name'],
  last_name: ['last_name'],
  email: ['email'],
  birth_date: ['birth_date'],
  address: (
    [
      'line_1',
      'line_2',
      'city',
      'postcode',
    ] as const satisfies readonly (keyof FullRider['address'])[]
  ).map((part) => `address_${part}`),
};

function cell(v: unknown): CsvValue {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
    return v;
  throw new Error(`a rider field of type ${typeof v} has no CSV column`);
}

/** The cells of one rider field (empty when the ride's rider is gone). */
function riderCells(field: RiderField, rider: Record<string, unknown> | null): CsvValue[] {
  const names = RIDER_COLUMNS[field];
  const value = rider?.[field] ?? null;
  if (value !== null && typeof value === 'object') {
    const parts = value as Record<string, unknown>;
    return names.map((n) => cell(parts[n.slice(field.length + 1)] ?? null));
  }
  return names.map(() => cell(value));
}

/**
 * The rides export for a role: the ride's figures, then the rider's fields that role sees in the
 * JSON API (riderFieldsFor), riders aged as of `today`.
 */
export function rideCsv(role: ApiRole, today: string): CsvFormat<ExportRideRow> {
  const fields = riderFieldsFor(role);
  return {
    header: [...RIDE_COLUMNS.map(([name]) => name), ...fields.flatMap((f) => RIDER_COLUMNS[f])],
    fields: (row) => {
      const ride = presentRide(row);
      const rider = row.has_rider ? presentRider(row, role, today) : null;
      return [
        ...RIDE_COLUMNS.map(([, get]) => get(ride)),
        ...fields.flatMap((f) => riderCells(f, rider)),
      ];
    },
  };
}

/** The readings export: presentReading's fields and the reading's heart-rate zone id. */
export const READING_CSV: CsvFormat<ZonedReadingRow> = {
  header: [
    'elapsed_s',
    'recorded_at',
    'heart_rate',
    'rpm',
    'resistance',
    'power_w',
    'heart_rate_zone',
  ],
  fields: (row) => {
    const r = presentReading(row);
    return [r.elapsed_s, r.recorded_at, r.heart_rate, r.rpm, r.resistance, r.power_w, row.zone];
  },
};
