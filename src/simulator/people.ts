// Riders shaped like the ones in the recorded feed: UK-style names, addresses and postcodes,
// epoch-millisecond dates at UTC midnight, and the occasional oddity the real data has
// (hyphenated surnames, implausible body data).
import {
  EMAIL_DOMAINS,
  FEMALE_FIRST,
  MALE_FIRST,
  POSTCODE_AREAS,
  STREET_SUFFIXES,
  SURNAMES,
  TOWN_PREFIXES,
  TOWN_SUFFIXES,
} from './name-lists.js';
import type { Rng } from './rng.js';

const DAY_MS = 86_400_000;

/** The `[SYSTEM] data = {...}` record, keys in the order the real feed prints them. */
export interface RiderRecord {
  readonly user_id: number;
  readonly name: string;
  readonly gender: 'male' | 'female';
  readonly address: string;
  readonly date_of_birth: number;
  readonly email_address: string;
  readonly height_cm: number;
  readonly weight_kg: number;
  readonly account_create_date: number;
  readonly bike_serial: string;
  readonly original_source: 'direct' | 'offline' | 'google ads' | 'social media';
}

/** A simulated rider: the feed record plus what the physiology model needs. */
export interface Rider {
  readonly record: RiderRecord;
  /** The record serialised once, so repeat rides reuse it. */
  readonly json: string;
  /** Whole years at the ride the rider was created for. */
  readonly age: number;
  /** 0 (unfit) .. 1 (athlete); drives cadence, resting heart rate and strain. Not in the feed. */
  readonly fitness: number;
}

const SOURCES: readonly (readonly [RiderRecord['original_source'], number])[] = [
  ['direct', 35],
  ['offline', 20],
  ['google ads', 25],
  ['social media', 20],
];

/** Whole years between a birth date and a moment, by the UTC calendar. */
export function ageAt(dobMs: number, atMs: number): number {
  const b = new Date(dobMs);
  const a = new Date(atMs);
  let years = a.getUTCFullYear() - b.getUTCFullYear();
  const beforeBirthday =
    a.getUTCMonth() < b.getUTCMonth() ||
    (a.getUTCMonth() === b.getUTCMonth() && a.getUTCDate() < b.getUTCDate());
  if (beforeBirthday) years--;
  return years;
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

function surname(rng: Rng): string {
  const first = rng.pick(SURNAMES);
  if (!rng.chance(0.08)) return first;
  let second = rng.pick(SURNAMES);
  while (second === first) second = rng.pick(SURNAMES);
  return `${first}-${second}`;
}

function title(rng: Rng, gender: 'male' | 'female'): string {
  if (!rng.chance(0.3)) return '';
  const t =
    gender === 'male'
      ? rng.weighted([
          ['Mr', 8],
          ['Dr', 2],
        ] as const)
      : rng.weighted([
          ['Mrs', 3],
          ['Miss', 3],
          ['Ms', 3],
          ['Dr', 1],
        ] as const);
  // "Miss" is not an abbreviation, so it never takes a dot.
  return t !== 'Miss' && rng.chance(0.35) ? `${t}. ` : `${t} `;
}

function emailFor(rng: Rng, first: string, last: string): string {
  const f = first.toLowerCase();
  const l = last.toLowerCase().replace(/-/g, '');
  const domain = rng.weighted(EMAIL_DOMAINS);
  const local = rng.weighted([
    [`${f}.${l}`, 4],
    [`${f}_${l}`, 3],
    [`${f}.${l.charAt(0)}`, 2],
    [`${f.charAt(0)}.${l}`, 2],
    [`${f}${l}${rng.int(1, 99)}`, 2],
    [`${l}.${f}`, 1],
  ] as const);
  return `${local}@${domain}`;
}

function townName(rng: Rng): string {
  const stem = rng.chance(0.5)
    ? rng.pick(SURNAMES)
    : rng.pick(rng.chance(0.5) ? MALE_FIRST : FEMALE_FIRST);
  switch (rng.int(0, 3)) {
    case 0:
      return `${rng.pick(TOWN_PREFIXES)} ${stem}${rng.pick(TOWN_SUFFIXES)}`;
    case 1:
      return `${rng.pick(TOWN_PREFIXES)} ${stem}`;
    default:
      return `${stem}${rng.pick(TOWN_SUFFIXES)}`;
  }
}

function postcode(rng: Rng): string {
  const area = rng.pick(POSTCODE_AREAS);
  const letters = 'ABDEFGHJLNPQRSTUWXYZ';
  const letter = (): string => letters.charAt(rng.int(0, letters.length - 1));
  let district = String(rng.int(1, area.length === 1 ? 99 : 29));
  // London-style districts such as WC2H or E1W end in a letter.
  if (district.length === 1 && rng.chance(0.1)) district += letter();
  return `${area}${district} ${rng.int(0, 9)}${letter()}${letter()}`;
}

function street(rng: Rng): string {
  const stem = rng.chance(0.7)
    ? rng.pick(SURNAMES)
    : rng.pick(rng.chance(0.5) ? MALE_FIRST : FEMALE_FIRST);
  return `${stem} ${rng.pick(STREET_SUFFIXES)}`;
}

/** `<line 1>,[<line 2>,]<town>,<postcode>`; flats and studios carry the extra line. */
function address(rng: Rng): string {
  const kind = rng.next();
  const unitNo = (): string =>
    `${rng.int(1, 99)}${rng.chance(0.3) ? 'abcdefgh'.charAt(rng.int(0, 7)) : ''}`;
  let lines: string;
  if (kind < 0.2) lines = `Flat ${unitNo()},${street(rng)}`;
  else if (kind < 0.3) lines = `Studio ${unitNo()},${street(rng)}`;
  else lines = `${rng.int(0, 99)} ${street(rng)}`;
  return `${lines},${townName(rng)},${postcode(rng)}`;
}

/** Birth date at UTC midnight for someone exactly `age` years old at `atMs`, birthday well clear. */
function birthDate(rng: Rng, age: number, atMs: number): number {
  const today = Math.floor(atMs / DAY_MS) * DAY_MS;
  // Keep the birthday at least ten days away either side so repeat rides see the same age.
  let dob = today - Math.round(age * 365.2425 + rng.int(10, 355)) * DAY_MS;
  const actual = ageAt(dob, atMs);
  if (actual !== age) dob += (actual - age) * 365 * DAY_MS;
  return dob;
}

/** Generates one rider for a ride starting at `atMs` on bike `bikeSerial`. */
export function createRider(rng: Rng, userId: number, bikeSerial: string, atMs: number): Rider {
  const gender = rng.chance(0.5) ? 'male' : 'female';
  const first = rng.pick(gender === 'male' ? MALE_FIRST : FEMALE_FIRST);
  const last = surname(rng);
  const age = 18 + Math.floor(rng.next() * 68);
  const dob = birthDate(rng, age, atMs);
  const heightCm = Math.round(
    clamp(gender === 'male' ? rng.normal(177, 7.5) : rng.normal(163.5, 7), 140, 210),
  );
  const bmi = clamp(rng.normal(26, 4.5), 16, 45);
  let weightKg = Math.round(bmi * (heightCm / 100) ** 2);
  // The real feed has body data no one could have (36 kg at 151 cm); keep a trickle of it.
  if (rng.chance(0.01)) weightKg = rng.chance(0.5) ? rng.int(30, 40) : rng.int(160, 220);
  const today = Math.floor(atMs / DAY_MS) * DAY_MS;
  const accountAgeDays = rng.int(1, Math.min(1200, (age - 16) * 365));
  const record: RiderRecord = {
    user_id: userId,
    name: `${title(rng, gender)}${first} ${last}`,
    gender,
    address: address(rng),
    date_of_birth: dob,
    email_address: emailFor(rng, first, last),
    height_cm: heightCm,
    weight_kg: weightKg,
    account_create_date: today - accountAgeDays * DAY_MS,
    bike_serial: bikeSerial,
    original_source: rng.weighted(SOURCES),
  };
  const fitness = clamp(0.55 + rng.normal(0, 0.2) - (bmi - 25) * 0.02 - (age - 40) * 0.004, 0, 1);
  return { record, json: JSON.stringify(record), age, fitness };
}
