import { z } from 'zod';
import { ACTIVITY_RANGE_NAMES } from '../domain/activity-window.js';
import { GENDERS } from '../domain/rider.js';
import { viewerSees, type RiderField, type ViewerRiderField } from './rider-fields.js';

// Response shapes: they document the API (OpenAPI) and the tests check every body against them.
// Every object is strict, so that a field a body carries but the documentation lacks fails a test
// (zod's plain objects would strip it silently).

export const ErrorResponse = z
  .strictObject({
    error: z.strictObject({
      code: z.string().meta({ example: 'not_found' }),
      message: z.string(),
    }),
  })
  .meta({ id: 'Error' });

const num = z.number().nullable();

export const Ride = z
  .strictObject({
    ride_id: z.number().int(),
    rider_id: z.number().int(),
    bike_serial: z.string(),
    started_at: z.iso.datetime(),
    ended_at: z.iso.datetime().nullable().describe('null while the ride is open'),
    duration_s: z.number().int(),
    rider_age: z
      .number()
      .int()
      .nullable()
      .describe("the rider's age in whole years at the ride's start; null without a birth date"),
    personal_max_bpm: z
      .number()
      .int()
      .nullable()
      .describe(
        "the rider's maximum heart rate at the ride's start (ALERT_MAX_HR_FORMULA), which alerts and zones are measured against; null without an age",
      ),
    seconds_above_max: z
      .number()
      .int()
      .nullable()
      .describe('seconds (readings) above the personal maximum; null without a maximum'),
    alert_count: z.number().int().describe('heart-rate alerts raised on the ride'),
    summary: z.strictObject({
      reading_count: z.number().int(),
      avg_heart_rate: num,
      min_heart_rate: num,
      max_heart_rate: num,
      avg_rpm: num,
      avg_resistance: num,
      avg_power_w: num,
      max_power_w: num,
      energy_kj: num,
    }),
  })
  .meta({ id: 'Ride' });

type ByRole<S extends Record<RiderField, z.ZodType>> = {
  [K in RiderField]: K extends ViewerRiderField ? S[K] : z.ZodOptional<S[K]>;
};

/**
 * The rider fields a viewer key is not given (identifying data: src/domain/personal-data.ts) are
 * optional and marked "admin only"; the others are always there.
 */
function byRole<S extends Record<RiderField, z.ZodType>>(shape: S): ByRole<S> {
  return Object.fromEntries(
    (Object.keys(shape) as RiderField[]).map((f) => [
      f,
      viewerSees(f) ? shape[f] : shape[f].optional().describe('admin only'),
    ]),
  ) as ByRole<S>;
}

export const Rider = z
  .strictObject(
    byRole({
      rider_id: z.number().int(),
      gender: z.string(),
      age: z.number().int().nullable(),
      height_cm: num,
      weight_kg: num,
      account_created: z.string().nullable(),
      original_source: z.string().nullable(),
      title: z.string().nullable(),
      first_name: z.string(),
      last_name: z.string(),
      email: z.string().nullable(),
      birth_date: z.string().nullable(),
      address: z.strictObject({
        line_1: z.string().nullable(),
        line_2: z.string().nullable(),
        city: z.string().nullable(),
        postcode: z.string().nullable(),
      }),
    }),
  )
  .meta({
    id: 'Rider',
    description:
      'Fields marked "admin only" identify the rider and go to admin keys only; viewer keys get ' +
      'the pseudonymous rest (the API guide, "Personal data").',
  });

export const Reading = z
  .strictObject({
    elapsed_s: z.number().int(),
    recorded_at: z.iso.datetime(),
    heart_rate: num,
    rpm: num,
    resistance: num,
    power_w: num,
  })
  .meta({ id: 'Reading' });

export const RideDetail = Ride.extend({
  rider: Rider.nullable(),
  readings: z.array(Reading).optional().describe('with include=readings'),
}).meta({ id: 'RideDetail' });

export const RidePage = z
  .strictObject({
    data: z.array(Ride),
    next: z.string().nullable().describe('link to the next (older) page; null on the last'),
  })
  .meta({ id: 'RidePage' });

export const RiderDetail = Rider.extend({
  stats: z.strictObject({
    ride_count: z.number().int(),
    total_duration_s: z.number().int(),
    total_energy_kj: num,
    avg_duration_s: num,
    avg_heart_rate: num,
    max_heart_rate: num,
    avg_power_w: num,
    avg_rpm: num,
    first_ride_at: z.iso.datetime().nullable(),
    last_ride_at: z.iso.datetime().nullable(),
  }),
}).meta({ id: 'RiderDetail' });

export const PeriodTotals = z
  .strictObject({
    ride_count: z.number().int(),
    riders: z.number().int(),
    total_duration_s: z.number().int(),
    total_energy_kj: num,
    avg_heart_rate: num.describe('weighted by readings'),
    avg_power_w: num.describe('weighted by readings'),
    alerts: z.number().int().describe('heart-rate alerts raised on these rides'),
    seconds_above_max: z
      .number()
      .int()
      .describe('seconds riders spent above their personal maximum heart rate'),
  })
  .meta({
    id: 'PeriodTotals',
    description: 'The totals of the rides that started in [from, until).',
  });

export const Daily = z
  .strictObject({
    date: z.string().meta({ example: '2022-07-06' }),
    time_zone: z.string(),
    from: z.iso.datetime(),
    until: z.iso.datetime(),
    totals: PeriodTotals,
    rides: z.array(Ride.extend({ rider: Rider.nullable() })),
  })
  .meta({ id: 'Daily' });

const GroupFigures = {
  ride_count: z.number().int(),
  duration_s: z.number().int().describe('time ridden in these rides'),
};

export const Activity = z
  .strictObject({
    range: z.enum(ACTIVITY_RANGE_NAMES),
    from: z.iso.datetime(),
    until: z.iso.datetime().describe('the time of the answer'),
    time_zone: z.string().describe('DISPLAY_TIMEZONE, which the buckets are aligned in'),
    totals: PeriodTotals,
    by_gender: z
      .array(
        z.strictObject({
          gender: z.enum(GENDERS),
          ...GroupFigures,
        }),
      )
      .describe('every gender, in this order, zeros included; sums to the totals'),
    by_age_band: z
      .array(z.strictObject({ band: z.string().meta({ example: '25-34' }), ...GroupFigures }))
      .describe(
        "every age band youngest first, then 'unknown', zeros included; by the rider's age at the ride's start; sums to the totals",
      ),
    power_over_time: z.strictObject({
      bucket_s: z.number().int().describe('1h: 300, 6h: 900, 12h: 1800, 24h: 3600, 7d: 21600'),
      points: z
        .array(
          z.strictObject({
            at: z.iso.datetime().describe("the bucket's start"),
            energy_kj: z.number().describe('energy of the rides that started in the bucket'),
            avg_power_w: num.describe('their average power, weighted by readings; null if none'),
          }),
        )
        .describe(
          'every bucket from the one holding `from` to the one holding `until`, empty ones included; a ride counts in the bucket of its start, so the energies sum to the total',
        ),
    }),
    last_ride_at: z.iso
      .datetime()
      .nullable()
      .describe('start of the latest ride before `until`, in the window or not; null if none'),
  })
  .meta({ id: 'Activity' });

export const Alert = z
  .strictObject({
    alert_id: z.number().int(),
    ride_id: z.number().int(),
    rider_id: z.number().int(),
    kind: z.enum(['high', 'low']),
    limit_bpm: z.number().int(),
    detected_at: z.iso.datetime(),
    elapsed_s: z.number().int(),
    readings: z.array(z.strictObject({ elapsed_s: z.number(), at: z.string(), bpm: z.number() })),
    delivery: z.strictObject({
      state: z.enum(['queued', 'sent', 'failed']),
      attempts: z.number().int(),
      last_error: z.string().nullable(),
      next_attempt_at: z.iso.datetime().nullable(),
      sent_at: z.iso.datetime().nullable(),
    }),
  })
  .meta({ id: 'Alert' });

export const AlertMail = z
  .strictObject({
    to: z.string(),
    cc: z.string().nullable().describe('the staff copy (ALERT_CC)'),
    subject: z.string(),
    text: z.string(),
    html: z.string(),
  })
  .meta({
    id: 'AlertMail',
    description: "The alert's mail as the mail worker sends it (or would, with a mail server).",
  });

export const AlertPage = z
  .strictObject({ data: z.array(Alert), next: z.string().nullable() })
  .meta({ id: 'AlertPage' });

export const RideDeleted = z
  .strictObject({
    deleted: z.strictObject({
      ride_id: z.number().int(),
      readings: z.number().int(),
      alerts: z.number().int(),
    }),
  })
  .meta({ id: 'RideDeleted' });

export const RiderErased = z
  .strictObject({
    erasure: z.strictObject({
      erasure_id: z.number().int(),
      rider_id: z.number().int(),
      rides_deleted: z.number().int(),
      readings_deleted: z.number().int(),
      alerts_deleted: z.number().int(),
      rejected_deleted: z.number().int(),
      erased_at: z.iso.datetime(),
    }),
  })
  .meta({ id: 'RiderErased' });

export const SessionBody = z
  .strictObject({
    name: z.string().describe("the key's name"),
    role: z.enum(['viewer', 'admin']),
    expires_at: z.iso
      .datetime()
      .nullable()
      .describe(
        'when the session ends unless used again (each use moves it on, up to 7 days after ' +
          'sign-in); null when the request carried a key rather than the session cookie',
      ),
  })
  .meta({ id: 'Session' });

export const WhoAmI = z
  .union([
    SessionBody.extend({ signed_in: z.literal(true) }),
    z
      .strictObject({ signed_in: z.literal(false) })
      .describe('no key and no session cookie was sent'),
  ])
  .meta({ id: 'WhoAmI' });
