import { describe, expect, it } from 'vitest';
import { cleanRider, splitAddress, splitName } from './rider.js';

const record = {
  user_id: 100,
  name: 'Steven Pearce',
  gender: 'male',
  address: '0 Simpson locks,Wilkinsonshire,E68 8SH',
  date_of_birth: 273715200000,
  email_address: 'steven.p@gmail.com',
  height_cm: 167,
  weight_kg: 83,
  account_create_date: 1647993600000,
  bike_serial: 'SN0000',
  original_source: 'direct',
};

// The recorded ride's day: the record's dates are plausible then.
const AT = Date.UTC(2022, 6, 6, 23, 29, 35);

describe('cleanRider', () => {
  it('cleans the real record', () => {
    expect(cleanRider(record, AT)).toEqual({
      kind: 'ok',
      rider: {
        riderId: 100,
        title: null,
        firstName: 'Steven',
        lastName: 'Pearce',
        gender: 'male',
        birthDate: '1978-09-04',
        heightCm: 167,
        weightKg: 83,
        email: 'steven.p@gmail.com',
        addressLine1: '0 Simpson locks',
        addressLine2: null,
        city: 'Wilkinsonshire',
        postcode: 'E68 8SH',
        accountCreated: '2022-03-23',
        originalSource: 'direct',
        bikeSerial: 'SN0000',
      },
    });
  });
  it('handles dates before 1970 and any other gender', () => {
    const r = cleanRider({ ...record, date_of_birth: -842140800000, gender: 'nonbinary' }, AT);
    expect(r).toMatchObject({ rider: { birthDate: '1943-04-26', gender: 'other' } });
    expect(cleanRider({ ...record, gender: undefined }, AT)).toMatchObject({
      rider: { gender: 'unknown' },
    });
  });
  it('says which field is wrong', () => {
    expect(cleanRider({ ...record, user_id: 'x' }, AT)).toMatchObject({
      kind: 'reject',
      reason: /user_id/,
    });
    expect(cleanRider({ ...record, address: 'nowhere' }, AT)).toMatchObject({ reason: /3 or 4/ });
    expect(cleanRider(null, AT)).toMatchObject({ kind: 'reject' });
    expect(cleanRider({ ...record, name: 'Dr.' }, AT)).toMatchObject({
      reason: /no name after its title/,
    });
  });
  it('never quotes what the record says in its reason', () => {
    const bad = [
      { ...record, name: 'Dr. ' },
      { ...record, address: 'Flat 1,Secret Street' },
      { ...record, email_address: 42 },
    ];
    for (const r of bad) {
      const res = cleanRider(r, AT);
      expect(res.kind).toBe('reject');
      if (res.kind === 'reject') {
        expect(res.reason).not.toMatch(/Secret|Steven|Pearce|Simpson|gmail/);
        expect(res.riderId).toBe(100);
      }
    }
    // The account is read from a string too, so that erasing it finds the line.
    expect(cleanRider({ ...record, user_id: '777' }, AT)).toMatchObject({ riderId: 777 });
    expect(cleanRider({ ...record, user_id: 'x7' }, AT)).toMatchObject({ riderId: null });
  });
  it('refuses dates that cannot be true at the message: born after it, too young or old, an account from the future', () => {
    const day = 86_400_000;
    const reasons = [
      { ...record, date_of_birth: AT + 365 * day },
      { ...record, date_of_birth: Date.UTC(2019, 0, 1) },
      { ...record, date_of_birth: Date.UTC(1901, 0, 1) },
      { ...record, account_create_date: Date.UTC(2099, 0, 1) },
      { ...record, account_create_date: Date.UTC(1950, 0, 1) },
    ].map((r) => {
      const res = cleanRider(r, AT);
      return res.kind === 'reject' ? res.reason : 'accepted';
    });
    expect(reasons).toEqual([
      'rider date_of_birth is after the message was sent',
      'rider date_of_birth gives an age of 3 at the message, outside 10-110',
      'rider date_of_birth gives an age of 121 at the message, outside 10-110',
      'rider account_create_date is after the message was sent',
      'rider account_create_date is before their date_of_birth',
    ]);
    // An account made on the ride's UTC day, read by a bike whose clock is ahead of UTC, is fine.
    expect(cleanRider({ ...record, account_create_date: Date.UTC(2022, 6, 7) }, AT).kind).toBe(
      'ok',
    );
  });
});

describe('splitName', () => {
  it.each([
    ['Mr Stuart Austin', 'Mr', 'Stuart', 'Austin'],
    ['mrs. Jane Smith-Jones', 'Mrs', 'Jane', 'Smith-Jones'],
    ['MISS Ann Lee', 'Miss', 'Ann', 'Lee'],
    ['Ms Kay Ho', 'Ms', 'Kay', 'Ho'],
    ['Dr. Amy Pond', 'Dr', 'Amy', 'Pond'],
    ['Dr Amy Pond MD', 'Dr', 'Amy', 'Pond'],
    ['Mrsa Jones', null, 'Mrsa', 'Jones'],
  ])('%s', (full, title, first, last) => {
    expect(splitName(full)).toEqual({ title, firstName: first, lastName: last });
  });
});

describe('splitAddress', () => {
  it('splits 3 and 4 parts', () => {
    expect(splitAddress('Flat 98y,Carolyn haven,East Valeriemouth,S5T 0TT')).toEqual({
      addressLine1: 'Flat 98y',
      addressLine2: 'Carolyn haven',
      city: 'East Valeriemouth',
      postcode: 'S5T 0TT',
    });
    expect(splitAddress('1 A st, Town , AB1 2CD')).toMatchObject({
      addressLine2: null,
      city: 'Town',
    });
  });
  it('refuses other shapes', () => {
    expect(splitAddress('a,b')).toBeNull();
    expect(splitAddress('a,b,c,d,e')).toBeNull();
    expect(splitAddress('a,,c')).toBeNull();
  });
});
