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

describe('cleanRider', () => {
  it('cleans the real record', () => {
    expect(cleanRider(record)).toEqual({
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
    const r = cleanRider({ ...record, date_of_birth: -842140800000, gender: 'nonbinary' });
    expect(r).toMatchObject({ rider: { birthDate: '1943-04-26', gender: 'other' } });
    expect(cleanRider({ ...record, gender: undefined })).toMatchObject({
      rider: { gender: 'unknown' },
    });
  });
  it('says which field is wrong', () => {
    expect(cleanRider({ ...record, user_id: 'x' })).toMatchObject({
      kind: 'reject',
      reason: /user_id/,
    });
    expect(cleanRider({ ...record, address: 'nowhere' })).toMatchObject({ reason: /3 or 4/ });
    expect(cleanRider(null)).toMatchObject({ kind: 'reject' });
    expect(cleanRider({ ...record, name: 'Dr.' })).toMatchObject({
      reason: /no name after its title/,
    });
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
