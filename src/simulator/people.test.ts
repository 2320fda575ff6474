import { describe, expect, it } from 'vitest';
import { simulateFleet } from './fleet.js';
import { createRider, type RiderRecord } from './people.js';
import { createRng } from './rng.js';

const DAY_MS = 86_400_000;
const RIDE_AT = Date.UTC(2022, 6, 6, 23, 29, 35);

/** Whole years by the calendar, computed independently of the code under test. */
function yearsBetween(fromMs: number, toMs: number): number {
  const a = new Date(fromMs);
  const b = new Date(toMs);
  const beforeBirthday =
    b.getUTCMonth() * 100 + b.getUTCDate() < a.getUTCMonth() * 100 + a.getUTCDate();
  return b.getUTCFullYear() - a.getUTCFullYear() - (beforeBirthday ? 1 : 0);
}

function checkRecord(r: RiderRecord, rideAtMs: number): void {
  const age = yearsBetween(r.date_of_birth, rideAtMs);
  expect(age).toBeGreaterThanOrEqual(18);
  expect(age).toBeLessThanOrEqual(85);
  expect(Math.abs(r.date_of_birth % DAY_MS)).toBe(0);
  expect(r.account_create_date % DAY_MS).toBe(0);
  expect(r.account_create_date).toBeLessThan(rideAtMs - (rideAtMs % DAY_MS));
  expect(r.account_create_date).toBeGreaterThan(r.date_of_birth);
  const parts = r.address.split(',');
  expect([3, 4]).toContain(parts.length);
  for (const p of parts) expect(p.trim()).toBe(p);
  for (const p of parts) expect(p.length).toBeGreaterThan(0);
  expect(parts[parts.length - 1]).toMatch(/^[A-Z]{1,2}\d{1,2}[A-Z]? \d[A-Z]{2}$/);
  expect(['male', 'female']).toContain(r.gender);
  const title = /^(Mr|Mrs|Miss|Ms|Dr)\.? /.exec(r.name)?.[1];
  if (title === 'Mr') expect(r.gender).toBe('male');
  if (title === 'Mrs' || title === 'Miss' || title === 'Ms') expect(r.gender).toBe('female');
  expect(r.name.replace(/^(Mr|Mrs|Miss|Ms|Dr)\.? /, '')).toMatch(/^[A-Z][a-z]+ [A-Z][A-Za-z-]+$/);
  expect(r.email_address).toMatch(/^[a-z0-9._-]+@[a-z.]+\.[a-z]+$/);
  expect(Number.isInteger(r.height_cm) && Number.isInteger(r.weight_kg)).toBe(true);
  expect(['direct', 'offline', 'google ads', 'social media']).toContain(r.original_source);
}

describe('riders', () => {
  it('look like the recorded ones: ages 18-85, 3 or 4 address parts, UTC-midnight dates', () => {
    const rng = createRng(5);
    const riders = Array.from({ length: 1000 }, (_, i) =>
      createRider(rng, 100 + i, 'SN0000', RIDE_AT),
    );
    for (const rider of riders) {
      checkRecord(rider.record, RIDE_AT);
      expect(rider.fitness).toBeGreaterThanOrEqual(0);
      expect(rider.fitness).toBeLessThanOrEqual(1);
      expect(rider.age).toBe(yearsBetween(rider.record.date_of_birth, RIDE_AT));
      expect(JSON.parse(rider.json)).toEqual(rider.record);
    }
    const names = riders.map((r) => r.record.name);
    const addresses = riders.map((r) => r.record.address.split(',').length);
    // The variety the real feed shows: titles with and without dots, none, hyphenated surnames.
    expect(names.some((n) => /^(Mr|Mrs|Ms|Dr)\. /.test(n))).toBe(true);
    expect(names.some((n) => /^(Mr|Mrs|Miss|Ms|Dr) /.test(n))).toBe(true);
    expect(names.filter((n) => !/^(Mr|Mrs|Miss|Ms|Dr)\.? /.test(n)).length).toBeGreaterThan(500);
    expect(names.some((n) => /-/.test(n))).toBe(true);
    expect(addresses).toContain(3);
    expect(addresses).toContain(4);
    const ages = riders.map((r) => r.age);
    expect(Math.min(...ages)).toBe(18);
    expect(Math.max(...ages)).toBe(85);
  });

  it('get increasing user ids from firstUserId, repeat on a bike, and keep their age on later rides', () => {
    const seen = new Map<number, RiderRecord>();
    let lastNew = 0;
    let repeats = 0;
    const previousOnBike = new Map<string, number>();
    const opts = { bikes: 5, ridesPerBike: 12, seed: 3, startMs: RIDE_AT, abnormalShare: 0 };
    for (const m of simulateFleet({ ...opts, firstUserId: 500, rideSeconds: [30, 40] })) {
      if (!m.value.includes('[SYSTEM] data = ')) continue;
      const json = (JSON.parse(m.value) as { log: string }).log.split('[SYSTEM] data = ')[1] ?? '';
      const r = JSON.parse(json) as RiderRecord;
      checkRecord(r, m.atMs);
      expect(r.bike_serial).toBe(m.key);
      const known = seen.get(r.user_id);
      if (known) {
        expect(r).toEqual(known);
        expect(previousOnBike.get(m.key)).toBe(r.user_id);
        repeats++;
      } else {
        expect(r.user_id).toBe(lastNew === 0 ? 500 : lastNew + 1);
        lastNew = r.user_id;
        seen.set(r.user_id, r);
      }
      previousOnBike.set(m.key, r.user_id);
    }
    expect(repeats).toBeGreaterThan(5);
    expect(seen.size + repeats).toBe(60);
  });
});
