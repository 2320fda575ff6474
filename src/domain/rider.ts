import { z } from 'zod';
import { ageOn } from './age.js';

/** A cleaned rider, ready for the `riders` table. Dates are `YYYY-MM-DD` (UTC). */
export interface Rider {
  readonly riderId: number;
  readonly title: string | null;
  readonly firstName: string;
  readonly lastName: string;
  readonly gender: Gender;
  readonly birthDate: string | null;
  readonly heightCm: number | null;
  readonly weightKg: number | null;
  readonly email: string | null;
  readonly addressLine1: string;
  readonly addressLine2: string | null;
  readonly city: string;
  readonly postcode: string;
  readonly accountCreated: string | null;
  readonly originalSource: string | null;
  readonly bikeSerial: string | null;
}

/** The genders a rider is recorded with, in the order every view lists them. */
export const GENDERS = ['female', 'male', 'other', 'unknown'] as const;

export type Gender = (typeof GENDERS)[number];

export type CleanRiderResult =
  | { readonly kind: 'ok'; readonly rider: Rider }
  | {
      readonly kind: 'reject';
      readonly reason: string;
      /** The account the record names, when its user_id can be read at all (to erase it later). */
      readonly riderId: number | null;
    };

const TITLES: Readonly<Record<string, string>> = {
  mr: 'Mr',
  mrs: 'Mrs',
  miss: 'Miss',
  ms: 'Ms',
  dr: 'Dr',
};
// Generated names sometimes carry a qualification; it is neither a first nor a last name.
const SUFFIXES = new Set(['md', 'dds', 'phd', 'dvm', 'jr', 'jr.', 'sr', 'sr.', 'ii', 'iii', 'iv']);
const DAY_MS = 86_400_000;
// Epoch-ms dates: anything outside 1900..2100 is a corrupt record, not a person.
const MIN_DATE_MS = Date.UTC(1900, 0, 1);
const MAX_DATE_MS = Date.UTC(2100, 0, 1);

const epochDate = z
  .number()
  .int()
  .refine((v) => v >= MIN_DATE_MS && v < MAX_DATE_MS, 'must be epoch ms between 1900 and 2100');

// Whether text can be stored at all is decided once, where the record is parsed (storable-text).
const text = (max: number) => z.string().max(max);

const RawRider = z.object({
  // Stored as bigint: anything a JS number holds exactly.
  user_id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  name: text(200).pipe(z.string().trim().min(1)),
  gender: text(50).nullish(),
  address: text(500),
  date_of_birth: epochDate.nullish(),
  email_address: text(320).nullish(),
  height_cm: z.number().int().min(0).max(400).nullish(),
  weight_kg: z.number().int().min(0).max(700).nullish(),
  account_create_date: epochDate.nullish(),
  bike_serial: text(100).nullish(),
  original_source: text(100).nullish(),
});

/** The ages a rider can have: outside them a birth date is a corrupt record, not a person. */
export const RIDER_AGE_RANGE = { min: 10, max: 110 } as const;

/**
 * Cleans the `[SYSTEM] data = {...}` record into a rider, or says what is wrong with it. Its
 * dates must be plausible at `atMs`, the message's own time: born before it at an age in
 * RIDER_AGE_RANGE, and an account not created after it (a day's grace for time zones).
 */
export function cleanRider(data: unknown, atMs: number): CleanRiderResult {
  const parsed = RawRider.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || 'record';
    return reject(`rider ${where}: ${issue?.message ?? 'invalid'}`, data);
  }
  const r = parsed.data;
  const implausible = implausibleDates(
    r.date_of_birth ?? null,
    r.account_create_date ?? null,
    atMs,
  );
  if (implausible) return { kind: 'reject', reason: implausible, riderId: r.user_id };
  const name = splitName(r.name);
  if (!name)
    return {
      kind: 'reject',
      reason: 'rider name has no name after its title',
      riderId: r.user_id,
    };
  const address = splitAddress(r.address);
  if (!address)
    return {
      kind: 'reject',
      reason: 'rider address needs 3 or 4 comma-separated parts (line 1, [line 2,] town, postcode)',
      riderId: r.user_id,
    };
  return {
    kind: 'ok',
    rider: {
      riderId: r.user_id,
      ...name,
      gender: cleanGender(r.gender),
      birthDate: r.date_of_birth == null ? null : isoDate(r.date_of_birth),
      heightCm: r.height_cm ?? null,
      weightKg: r.weight_kg ?? null,
      email: r.email_address?.trim() || null,
      ...address,
      accountCreated: r.account_create_date == null ? null : isoDate(r.account_create_date),
      originalSource: r.original_source?.trim() || null,
      bikeSerial: r.bike_serial?.trim() || null,
    },
  };
}

// Account dates are UTC midnights and feed times are local: a day's grace either way.
const GRACE_MS = DAY_MS;

/** Why a record's dates cannot be true at the message's time, or null. Reasons quote no date. */
function implausibleDates(
  bornMs: number | null,
  createdMs: number | null,
  atMs: number,
): string | null {
  if (bornMs !== null) {
    if (bornMs > atMs) return 'rider date_of_birth is after the message was sent';
    const age = ageOn(isoDate(bornMs), atMs);
    const { min, max } = RIDER_AGE_RANGE;
    if (age < min || age > max)
      return `rider date_of_birth gives an age of ${age} at the message, outside ${min}-${max}`;
  }
  if (createdMs !== null) {
    if (createdMs > atMs + GRACE_MS)
      return 'rider account_create_date is after the message was sent';
    if (bornMs !== null && createdMs < bornMs)
      return 'rider account_create_date is before their date_of_birth';
  }
  return null;
}

function reject(reason: string, data: unknown): CleanRiderResult {
  return { kind: 'reject', reason, riderId: accountOf(data) };
}

/**
 * The account number a record names, in whatever form the feed wrote it (a number or a numeric
 * string), or null. Even a record refused for other reasons is the rider's, and erasing them
 * must find it.
 */
export function accountOf(data: unknown): number | null {
  if (typeof data !== 'object' || data === null) return null;
  const v = (data as { user_id?: unknown }).user_id;
  const n =
    typeof v === 'number'
      ? v
      : typeof v === 'string' && /^\s*\d+(\.0*)?\s*$/.test(v)
        ? Number(v)
        : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

/**
 * The pattern of a `user_id` field naming `id` (or any account, for null) in raw text: 777, "777"
 * or 777.0, JSON-escaped inside an envelope or not. One pattern for ingest, which reads the
 * account from lines it sets aside, and for erasure, which searches stored lines with it in
 * PostgreSQL: the syntax used means the same in both.
 */
export function accountPattern(id: number | null): string {
  return `user_id\\\\?"\\s*:\\s*(?:\\\\?"\\s*)?0*(${id ?? '\\d{1,16}'})(?:\\.0*)?(?![0-9.eE])`;
}

const ACCOUNT_IN_TEXT = new RegExp(accountPattern(null));

/** The account number a raw line names in a `user_id` field, if any, read or not. */
export function accountNamedIn(text: string): number | null {
  const m = ACCOUNT_IN_TEXT.exec(text);
  if (!m) return null;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

/** Splits "Dr. Jane Smith-Jones" into title, first name and last name. */
export function splitName(
  full: string,
): { title: string | null; firstName: string; lastName: string } | null {
  const words = full.trim().split(/\s+/);
  const titleKey = words[0]?.toLowerCase().replace(/\.$/, '') ?? '';
  const title = TITLES[titleKey] ?? null;
  if (title) words.shift();
  while (words.length > 2 && SUFFIXES.has(words[words.length - 1]!.toLowerCase())) words.pop();
  const firstName = words.shift();
  if (!firstName) return null;
  return { title, firstName, lastName: words.join(' ') };
}

/** Splits "line 1,[line 2,]town,postcode" into its parts. */
export function splitAddress(address: string): {
  addressLine1: string;
  addressLine2: string | null;
  city: string;
  postcode: string;
} | null {
  const parts = address.split(',').map((p) => p.trim());
  if (parts.length < 3 || parts.length > 4 || parts.some((p) => p.length === 0)) return null;
  const [line1, ...rest] = parts as [string, ...string[]];
  const postcode = rest.pop()!;
  const city = rest.pop()!;
  return { addressLine1: line1, addressLine2: rest[0] ?? null, city, postcode };
}

function cleanGender(g: string | null | undefined): Gender {
  const v = g?.trim().toLowerCase();
  if (v === 'male' || v === 'female') return v;
  if (!v) return 'unknown';
  return 'other';
}

/** Epoch ms → `YYYY-MM-DD` of the UTC day it falls in. */
export function isoDate(ms: number): string {
  return new Date(Math.floor(ms / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
}
