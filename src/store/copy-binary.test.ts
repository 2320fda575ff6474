import { describe, expect, it } from 'vitest';
import { BinaryCopyWriter, CopyValueError } from './copy-binary.js';

describe('BinaryCopyWriter', () => {
  it('writes the signature, a row of fields with their lengths, and the trailer', () => {
    const out = new BinaryCopyWriter(1);
    out.row(3);
    out.int4(7);
    out.int4(null);
    out.date(Date.UTC(2000, 0, 2, 13));
    const bytes = Buffer.from(out.finish());
    expect(bytes.subarray(0, 11).toString('latin1')).toBe('PGCOPY\n\xff\r\n\0');
    expect(bytes.readInt16BE(19)).toBe(3);
    expect([bytes.readInt32BE(21), bytes.readInt32BE(25)]).toEqual([4, 7]);
    expect(bytes.readInt32BE(29)).toBe(-1);
    expect([bytes.readInt32BE(33), bytes.readInt32BE(37)]).toEqual([4, 1]);
    expect(bytes.readInt16BE(41)).toBe(-1);
    expect(bytes.length).toBe(43);
  });

  it('grows past its first guess without losing rows', () => {
    const out = new BinaryCopyWriter(1);
    for (let i = 0; i < 1000; i++) {
      out.row(1);
      out.int8(i * 2 ** 33);
    }
    const bytes = Buffer.from(out.finish());
    expect(bytes.length).toBe(19 + 1000 * 14 + 2);
    expect(bytes.readBigInt64BE(19 + 999 * 14 + 6)).toBe(999n * 2n ** 33n);
  });

  it('refuses values binary COPY cannot carry, before anything is sent', () => {
    const out = new BinaryCopyWriter();
    out.row(4);
    expect(() => out.int4(2.5)).toThrow(CopyValueError);
    expect(() => out.int4(2 ** 31)).toThrow(RangeError);
    expect(() => out.int8(2 ** 53)).toThrow(CopyValueError);
    expect(() => out.timestamptz(0.5)).toThrow(CopyValueError);
  });
});
