import { z } from 'zod';
import { parseCalendarDate } from '../domain/calendar-day.js';

/** Zod's message for a required parameter left out (other failures keep theirs). */
const required = (issue: { input: unknown }) =>
  issue.input === undefined ? 'is required' : undefined;

/** A stored id: a positive whole number within the range ids are given out in. */
export const Id = z
  .string({ error: required })
  .regex(/^\d{1,16}$/, 'must be a positive whole number')
  .transform(Number)
  .refine((n) => n >= 1 && Number.isSafeInteger(n), 'must be a positive whole number below 2^53')
  .meta({ type: 'integer', minimum: 1, example: 1 });

const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

// Date.parse rolls 30 February over into March; an API should refuse it instead.
function fieldsInRange(m: RegExpExecArray): boolean {
  const [y, mo, d, h = '0', mi = '0', sec = '0'] = m.slice(1, 7).map((v) => v ?? '0');
  const probe = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  return (
    probe.getUTCFullYear() === Number(y) &&
    probe.getUTCMonth() === Number(mo) - 1 &&
    probe.getUTCDate() === Number(d) &&
    Number(h) <= 23 &&
    Number(mi) <= 59 &&
    Number(sec) <= 59
  );
}

/** An instant: an ISO 8601 date-time with a zone (Z or ±hh:mm), or a date (its midnight UTC). */
export const Instant = z
  .string()
  .max(40, 'is too long for a date-time')
  .refine((v) => !v.includes(' '), "has a space: a '+' in a URL must be sent as %2B")
  .regex(INSTANT, 'must be an ISO 8601 date-time with a zone, e.g. 2022-07-06T09:00:00Z, or a date')
  .transform((v, ctx) => {
    const m = INSTANT.exec(v);
    const ms = Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v);
    if (
      !m ||
      !fieldsInRange(m) ||
      Number.isNaN(ms) ||
      ms < Date.UTC(1900, 0, 1) ||
      // Offsets can push an instant past year 9999, which the database cannot store.
      ms >= Date.UTC(9999, 0, 1)
    ) {
      ctx.addIssue({ code: 'custom', message: `${v} is not a valid date-time` });
      return z.NEVER;
    }
    return ms;
  })
  .meta({ type: 'string', format: 'date-time', example: '2022-07-06T00:00:00Z' });

/** Page size. */
export const Limit = (max: number, dflt: number) =>
  z
    .string()
    .regex(/^\d{1,7}$/, `must be a whole number from 1 to ${max}`)
    .transform(Number)
    .refine((n) => n >= 1 && n <= max, `must be a whole number from 1 to ${max}`)
    .optional()
    .transform((n) => n ?? dflt)
    .meta({ type: 'integer', minimum: 1, maximum: max, default: dflt });

/** A calendar day as `YYYY-MM-DD` or the brief's `DD-MM-YYYY`, normalised to `YYYY-MM-DD`. */
export const CalendarDate = z
  .string()
  .max(10, 'must be a date as YYYY-MM-DD or DD-MM-YYYY')
  .transform((v, ctx) => {
    const r = parseCalendarDate(v);
    if (r.kind === 'ok') return r.date;
    ctx.addIssue({ code: 'custom', message: r.reason });
    return z.NEVER;
  })
  .meta({ type: 'string', example: '2022-07-06', description: 'YYYY-MM-DD or DD-MM-YYYY' });

/** Free text that is matched exactly (a bike serial): bounded, printable. */
export const Token = (what: string) =>
  z
    .string()
    .min(1, `must not be empty`)
    .max(64, `is too long for ${what}`)
    .regex(/^[\p{L}\p{N}_.:-]+$/u, `must be ${what}: letters, digits, _ . : -`);

export const IdParams = z.object({ id: Id });

/** For routes that take no query parameters: any given is reported, not silently ignored. */
export const NoQuery = z.strictObject({});

/** A bound of a span as given: an instant (epoch ms), or a calendar day to read in a zone. */
export type SpanBound = { kind: 'instant'; ms: number } | { kind: 'day'; date: string };

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A required bound of a span: an ISO 8601 date-time with a zone (as `Instant`), or a day
 * `YYYY-MM-DD` that the route reads in DISPLAY_TIMEZONE (its first instant), as `/api/daily` does.
 */
export const DayOrInstant = z
  .string({ error: required })
  .transform((v, ctx): SpanBound => {
    if (DAY.test(v)) {
      const day = parseCalendarDate(v);
      if (day.kind === 'ok') return { kind: 'day', date: day.date };
      ctx.addIssue({ code: 'custom', message: day.reason });
      return z.NEVER;
    }
    const instant = Instant.safeParse(v);
    if (instant.success) return { kind: 'instant', ms: instant.data };
    for (const issue of instant.error.issues)
      ctx.addIssue({ code: 'custom', message: issue.message });
    return z.NEVER;
  })
  .meta({
    type: 'string',
    example: '2022-07-06',
    description: 'a day YYYY-MM-DD (in DISPLAY_TIMEZONE), or an ISO 8601 date-time with a zone',
  });
